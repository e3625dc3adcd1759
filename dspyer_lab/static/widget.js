var x,ae,ln,F,Et,ut,oe,it,le,Pt,Ot,rn,nt=Symbol.for("pv"),pt={},ft=[],dn=/^m(i|n|o|s|text|space)$/,jt=Array.isArray,Nt=ft.slice,J=Object.assign;function K(t){t&&t.parentNode&&t.remove()}function M(t,e,n){var s,a,l,r={},o=arguments.length;for(l in e)l=="key"?s=e[l]:l=="ref"&&typeof t!="function"?a=e[l]:r[l]=e[l];return o>2&&(r.children=o>3?Nt.call(arguments,2):n),et(t,r,s,a,null)}function et(t,e,n,s,a){var l={type:t,props:e,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:nt,__v:a||++ae,__i:-1,__u:0};return!a&&x.vnode&&x.vnode(l),l}function _t(t){return t.children}function dt(t,e){this.props=t,this.context=e,this.__g=0}function H(t,e){if(e==null)return t.__&&H(t.__,t.__i+1);for(var n;e<t.__k.length;e++)if((n=t.__k[e])&&n.__e)return n.__e;return typeof t.type!="function"||t.props.__P?null:H(t)}function cn(t){var e,n=t.__v,s=n.__e,a=[],l=[],r=t.__P;r&&((e=J({constructor:nt},n)).__v=n.__v+1,x.vnode&&x.vnode(e),Bt(r,e,n,t.__n,r.namespaceURI,32&n.__u?[s]:null,a,s||H(n),32&n.__u,l),e.__v=n.__v,e.__.__k[e.__i]=e,pe(a,e,l),n.__=n.__e=null,e.__e!=s&&re(e))}function re(t){if((t=t.__)&&t.__c&&!t.props.__P)return t.__e=null,t.__k.some(function(e){return e&&(t.__e=e.__e)}),re(t)}function ne(t){(8&t.__g||(t.__g|=8,F.push(t),ut++))&&Et==x.debounceRendering||((Et=x.debounceRendering)||queueMicrotask)(ie)}function ie(){try{for(var t,e=1;F.length;)F.length>e&&F.sort(oe),t=F.shift(),e=F.length,8&t.__g&&cn(t)}finally{(ut=F.length)&&(Et||queueMicrotask)(ie)}}function de(t,e,n,s,a,l,r,o,i,p,d){var c,f,u,$,y,m,k=s.__k||ft,g=e.length;for(i=un(n,e,k,i,g),c=0;c<g;c++)(u=n.__k[c])!=null&&(f=~u.__i&&k[u.__i]||pt,u.__i=c,m=Bt(t,u,f,a,l,r,o,i,p,d),$=u.__e,(f.ref!=u.ref||8&f.__u)&&(f.ref&&Dt(f.ref,null,u,f),u.ref&&d.push(u.ref,u.__c||$,u)),y=y||$,4&u.__u?(i=ce(u,i,t,!f.__v),f.__e&&(f.__e=null)):typeof u.type=="function"&&m!==void 0?i=m:$&&(i=$.nextSibling),u.__u&=-21);return n.__e=y,i}function un(t,e,n,s,a){var l,r,o,i,p,d,c,f,u,$=n.length,y=$,m=0,k=0,g=t.__k=Array(a);for(l=0;l<a;l++)(r=e[l])!=null&&typeof r!="boolean"&&typeof r!="function"?(typeof r!="object"||r.constructor===String?r=g[l]=et(null,r):jt(r)?r=g[l]=et(_t,{children:r}):r.constructor===nt&&r.__b?r=g[l]=et(r.type,r.props,r.key,r.ref,r.__v):g[l]=r,i=l+m,r.__=t,r.__b=t.__b+1,o=null,~(p=r.__i=pn(r,n,i,y))&&(y--,(o=n[p])&&(o.__u|=2)),o&&o.__v?(r.__u|=16,p==i-1?m--:p==i+1?m++:p!=i&&(p>i?m--:m++,k=1)):(~p||(a>$?m--:a<$&&m++),typeof r.type!="function"&&(r.__u|=4))):g[l]=null;if(k){for(d=[],c=[],l=0;l<a;l++)if((r=g[l])&&16&r.__u){for(m=0,f=d.length;m<f;)d[u=m+f>>1]<r.__i?m=u+1:f=u;d[m]=r.__i,c[l]=m+1}for(m=d.length;l--;)c[l]&&(c[l]==m?m--:g[l].__u|=4)}if(y)for(l=0;l<$;l++)!(o=n[l])||2&o.__u||(o.__e==s&&(s=H(o)),Rt(o,o));return s}function ce(t,e,n,s){var a,l,r,o;if(typeof t.type=="function"){if(t.props.__P)return e;if(a=t.__k)for(l=0;l<a.length;l++)a[l]&&(a[l].__=t,e=ce(a[l],e,n,!1));return e}for(e&&!e.parentNode&&(e=H(t))&&!e.parentNode&&(e=null),r=t.__e,o=e;o&&o.nodeType==8;)o=o.nextSibling;for(r!=o&&(!s&&n.moveBefore&&r.parentNode?n.moveBefore(r,e):n.insertBefore(r,e||null)),e=r;(e=e&&e.nextSibling)&&e.nodeType==8&&!e.data.startsWith("$s"););return e}function pn(t,e,n,s){var a,l=t.key,r=t.type,o=e[n],i=o&&!(2&o.__u);if(o===null&&l==null||i&&l==o.key&&r==o.type)return n;if(s>(i?1:0)){for(a=n-1;a>=0;a--)if((o=e[a])&&!(2&o.__u)&&l==o.key&&r==o.type)return a;for(a=n+1;a<e.length;a++)if((o=e[a])&&!(2&o.__u)&&l==o.key&&r==o.type)return a}return-1}function se(t,e,n){n==null&&(n=""),e[0]=="-"?t.setProperty(e,n):t[e]=n}function rt(t,e,n,s,a){var l,r;if(e=="style")if(typeof n=="string")t.style.cssText=n;else{if(typeof s=="string"&&(t.style.cssText=s=""),s)for(e in s)n&&e in n||se(t.style,e);if(n)for(e in n)s&&n[e]==s[e]||se(t.style,e,n[e])}else if(e[0]=="o"&&e[1]=="n")typeof n!="function"&&(n=null),typeof s!="function"&&(s=null),(t.__e||(t.__e={}))[e]=n,n&&s||(r=Ot[e]||(Ot[e]=fn(e)),(t.__a||(t.__a={}))[e]=Pt,l=e!=(e=e.replace(le,"$1")),(e=e.slice(2))[0]<"a"&&(e=e.toLowerCase()),n?t.addEventListener(e,r,l):t.removeEventListener(e,r,l));else{if(a=="http://www.w3.org/2000/svg")e=e.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(e!="width"&&e!="height"&&e!="href"&&e!="list"&&e!="form"&&e!="tabIndex"&&e!="download"&&e!="rowSpan"&&e!="colSpan"&&e!="role"&&e!="popover"&&e in t)try{return void(t[e]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&e[4]!="-"?t.removeAttribute(e):t.setAttribute(e,e=="popover"&&n==1?"":n)}}function fn(t){return function(e){var n=this.__e;if(n){if(n=n[t],e[it]==null)e[it]=Pt++;else if(e[it]<this.__a[t])return;return n(x.event?x.event(e):e)}}}function Bt(t,e,n,s,a,l,r,o,i,p){var d,c,f,u,$,y,m,k,g,h,b,I,q,j,L,ee,U,V,z=e.type;if(e.constructor!==nt)return null;128&n.__u&&(i=32&n.__u,d=n.__c.__z)&&(e.__u|=i,c=l=[],d.nodeType==8?o=ct(d,l):l.push(d),o=l[0]||o),(d=x.__b)&&d(e);t:if(typeof z=="function"){f=r.length;try{if(k=e.props,g=(d=z.prototype)&&d.render,h=(d=z.contextType)&&s[d.__c],b=d?h?h.props.value:d.__:s,(u=n.__c)?(e.__c=u,2&u.__g&&(u.__g|=1)):(g?e.__c=u=new z(k,b):(e.__c=u=new dt(k,b),u.constructor=z,u.render=$n),h&&h.sub(u),u.state||(u.state={}),u.__n=s,u.__g|=8,u.__h=[],u.__k=[]),g&&(u.__s||(u.__s=u.state),z.getDerivedStateFromProps&&(u.__s==u.state&&(u.__s=J({},u.__s)),J(u.__s,z.getDerivedStateFromProps(k,u.__s)))),$=u.props,y=u.state,u.__v=e,n.__c){if(k!==$&&g&&!z.getDerivedStateFromProps&&u.componentWillReceiveProps&&u.componentWillReceiveProps(k,b),e.__v==n.__v&&!(8&u.__g)||!(4&u.__g)&&u.shouldComponentUpdate&&u.shouldComponentUpdate(k,u.__s,b)===!1){e.__v!=n.__v&&(u.props=k,u.state=u.__s,u.__g&=-9),e.__e=n.__e,e.__k=n.__k,e.__k.some(function(D){D&&(D.__=e)}),ft.push.apply(u.__h,u.__k),u.__k=[],u.__h.length&&r.push(u),o=H(n);break t}u.componentWillUpdate&&u.componentWillUpdate(k,u.__s,b),g&&u.componentDidUpdate&&u.__h.push(function(){u.componentDidUpdate($,y,m)})}else g&&!z.getDerivedStateFromProps&&u.componentWillMount&&u.componentWillMount(),g&&u.componentDidMount&&u.__h.push(u.componentDidMount);u.context=b,u.props=k,u.__P=t,u.__g&=-5,I=x.__r,q=g?25:0;do u.__g&=-9,I&&I(e),d=u.render(u.props,u.state=u.__s,u.context);while(8&u.__g&&++q<25);g&&(ft.push.apply(u.__h,u.__k),u.__k=[]),u.state=u.__s,u.getChildContext&&(s=J({},s,u.getChildContext())),g&&n.__c&&u.getSnapshotBeforeUpdate&&(m=u.getSnapshotBeforeUpdate($,y)),j=d&&d.type===_t&&d.key==null?d.props.children:d,k.__P&&(d=o,a=(t=k.__P).namespaceURI,i=l=null,n.props&&n.props.__P!=t&&(n.__k.some(function(D){D&&Rt(D,D)}),n.__k=null),o=n.__k?H(n,0):null),o=de(t,jt(j)?j:[j],e,n,s,a,l,r,o,i,p),k.__P&&(e.__e=null,o=d),e.__u&=-161,c&&c.some(K),u.__h.length&&r.push(u),1&u.__g&&(u.__g&=-4)}catch(D){if(r.length=f,e.__v=null,i||l)if(D&&D.then){if(e.__u|=128|i,l){for(~(U=l.indexOf(o||void 0))||(U=l.length);(V=l[U-1])&&V.nodeType==8;)U--;for(;U<l.length;U++)if(V=l[U])if(l[U]=null,L){if(V==ee)break}else{if(V.nodeType!=8)break;V.data.startsWith("$s")&&(ee=ct(L=V))}}if(!L){for(;o&&o.nodeType==8&&o.nextSibling;)o=o.nextSibling;L=o}(d=ct(L=e.__c.__z||(e.__c.__z=L)))?(e.__e=L,o=d):e.__e=o,o=o&&o.nextSibling}else l&&l.some(K);else e.__e=n.__e;e.__k||(e.__k=n.__k||[]),D&&D.then||ue(e),x.__e(D,e,n)}}else o=e.__e=_n(n.__e,e,n,s,a,l,r,i,p,t);return(d=x.diffed)&&d(e),o}function ct(t,e){if(t&&t.nodeType==8&&t.data.startsWith("$s"))for(var n=1;t=t.nextSibling;){if(t.nodeType==8){if(t.data.startsWith("$s"))n++;else if(t.data.startsWith("/$s")&&!--n)return t}e&&e.push(t)}}function ue(t){t&&(t.__c&&(t.__c.__g|=4),t.__k&&t.__k.some(ue))}function pe(t,e,n){for(var s=0;s<n.length;)Dt(n[s++],n[s++],n[s++]);x.__c&&x.__c(e,t),t.some(function(a){try{t=a.__h,a.__h=[],t.some(function(l){l.call(a)})}catch(l){x.__e(l,a.__v)}})}function _n(t,e,n,s,a,l,r,o,i,p){var d,c,f,u,$,y,m,k,g=n.props||pt,h=e.props,b=e.type;if(b=="svg"?a="http://www.w3.org/2000/svg":b=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),l){for(d=0;d<l.length;d++)if(($=l[d])&&(b?$.localName==b:$.nodeType==3)){t=$,l[d]=null;break}}if(!t){if(k=p.ownerDocument||document,!b)return k.createTextNode(h);t=k.createElementNS(a,b,h.is?h:p),o&&(x.__m&&x.__m(e,l),o=!1),l=null}if(b){if(p=b=="template"&&t.content||t,l=b=="textarea"&&h.defaultValue!=null?null:l&&Nt.call(p.childNodes),!o&&l)for(g={},d=0;d<t.attributes.length;d++)g[($=t.attributes[d]).name]=$.value;for(d in g)$=g[d],d=="dangerouslySetInnerHTML"?f=$:d=="children"||d in h||d=="value"&&"defaultValue"in h||d=="checked"&&"defaultChecked"in h||rt(t,d,null,$,a);for(d in h)$=h[d],d=="children"?u=$:d=="dangerouslySetInnerHTML"?c=$:d=="value"?y=$:d=="checked"?m=$:o&&typeof $!="function"||g[d]===$||rt(t,d,$,g[d],a);c?(o||f&&(c.__html==f.__html||c.__html==t.innerHTML)||(t.innerHTML=c.__html),e.__k=[]):(f&&(t.textContent=""),(b=="foreignObject"||a=="http://www.w3.org/1998/Math/MathML"&&dn.test(b))&&(a="http://www.w3.org/1999/xhtml"),de(p,jt(u)?u:[u],e,n,s,a,l,r,l?l[0]:n.__k&&H(n,0),o,i),l&&l.some(K)),o&&b!="textarea"||(d="value",b=="progress"&&y==null?t.removeAttribute(d):y==null||y===t[d]&&(b!="progress"||y)||rt(t,d,y,g[d],a),d="checked",m!=null&&m!=t[d]&&rt(t,d,m,g[d],a))}else g===h||o&&t.data==h||(t.data=h);return t}function Dt(t,e,n,s){try{typeof t=="function"?e?e.__x=t(e)||1:s&&(s=s.__c||s.__e)&&(e=s.__x)&&(s.__x=null,typeof e=="function"?e():t(null)):t.current=e}catch(a){x.__e(a,n)}}function Rt(t,e,n){var s,a,l,r;if(x.unmount&&x.unmount(t),!(s=t.ref)||s.current&&s.current!=t.__e||Dt(s,null,e,t),s=t.__c){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(o){x.__e(o,e)}s.__P=s.__n=null}if(s=t.__k)for(r=0;r<s.length;r++)s[r]&&Rt(s[r],e,typeof t.type!="function"||n&&!t.props.__P);!n&&(s=t.__c)&&(s=s.__z)&&(a=ct(s,l=[]))&&(s==t.__e&&l.some(K),K(a),K(s)),n||K(t.__e),t.__e=t.__c=t.__=null}function $n(t,e,n){return this.constructor(t,n)}function Lt(t,e){var n,s,a,l;x.__&&x.__(t,e),e.nodeType==9&&(e=e.documentElement),s=(n=t&&32&t.__u)?null:e.__k,e.__k=et(_t,{children:[t]}),a=[],l=[],Bt(e,e.__k,s||pt,pt,e.namespaceURI,s?null:e.firstChild?Nt.call(e.childNodes):null,a,s?s.__e:e.firstChild,n,l),pe(a,e.__k,l),e.__k.props.children=null}x={__e:function(t,e,n,s){for(var a,l,r;e=e.__;)if((a=e.__c)&&!(1&a.__g)){a.__g|=4;try{if((r=(l=a.constructor)&&l.getDerivedStateFromError)&&a.setState(l.getDerivedStateFromError(t)),a.componentDidCatch&&(a.componentDidCatch(t,s||{}),r=1),r&&8&a.__g)return void(a.__g|=2)}catch(o){t=o}}throw ut=0,t}},ae=0,ln=function(t){return t!=null&&t.constructor===nt},dt.prototype.setState=function(t,e){var n=this.__s;n&&n!=this.state||(n=this.__s=J({},this.state)),typeof t=="function"&&(t=t(J({},n),this.props)),t&&(J(n,t),this.__v&&(e&&this.__k.push(e),ne(this)))},dt.prototype.forceUpdate=function(t){this.__v&&(this.__g|=4,t&&this.__h.push(t),ne(this))},dt.prototype.render=_t,F=[],ut=0,oe=function(t,e){return t.__v.__b-e.__v.__b},it=Symbol(),le=/(PointerCapture)$|Capture$/i,Pt=0,Ot={},rn=0;var Y,C,It,fe,qt=Object.is,$t=0,ke=[],zt=[],S=x,_e=S.__b,$e=S.__r,he=S.diffed,be=S.__c,me=S.unmount,ge=S.__;function ht(t,e){S.__h&&S.__h(C,t,$t||e),$t=0;var n=C.__H||(C.__H={__:[],__h:[]});return t>=n.__.length&&n.__.push({}),n.__[t]}function O(t){return $t=1,hn(xe,t)}function hn(t,e,n){var s=ht(Y++,2);if(s.t=t,!s.__c&&(s.__=[n?n(e):xe(void 0,e),function(l){var r=(s.__N||s.__)[0],o=s.t(r,l);qt(r,o)||(s.__N=[o,s.__[1]],s.__c.setState({}))}],s.__c=C,!C.__f)){C.__f=!0;var a=C.shouldComponentUpdate;C.shouldComponentUpdate=function(l,r,o){var i=this.__H;if(!i)return!0;var p=!1,d=this.props!=l;if(i.__.some(function(f){f.__N&&(p=!0,qt(f.__[0],f.__N[0])||(d=!0))}),a){var c=a.call(this,l,r,o);return p?c||d:c}return!p||d}}return s.__}function B(t,e){var n=ht(Y++,3);!S.__s&&Ft(n.__H,e)&&(n.__P=!0,n.__=t,n.u=e,C.__H.__h.push(n))}function bt(t,e){var n=ht(Y++,4);!S.__s&&Ft(n.__H,e)&&(n.__P=!1,n.__=t,n.u=e,C.__h.push(n))}function R(t){return $t=5,A(function(){return{current:t}},[])}function A(t,e){var n=ht(Y++,7);return Ft(n.__H,e)&&(n.__=t(),n.__H=e),n.__}function bn(){var t;do{for(;t=zt.shift();)try{st(t)}catch(n){S.__e(n,{__:(t=t.__P)&&t.__v})}for(;t=ke.shift();){var e=t.__H;if(t.__P&&e)try{e.__h.some(st),e.__h.some(Ut),e.__h=[]}catch(n){e.__h=[],S.__e(n,t.__v)}}}while(zt.length)}S.__b=function(t){C=null,_e&&_e(t)},S.__=function(t,e){t&&e.__k&&e.__k.__m&&(t.__m=e.__k.__m),ge&&ge(t,e)},S.__r=function(t){$e&&$e(t),Y=0;var e=(C=t.__c).__H;e&&(It==C?C.__h=[]:(e.__h.some(st),e.__h.some(Ut),Y=0),e.__h=[],e.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),It=C},S.diffed=function(t){he&&he(t);var e=t.__c;e&&e.__H&&(e.__H.__h.length&&ye(ke.push(e)),e.__H.__.some(function(n){n.u&&(n.__H=n.u)})),It=C=null},S.__c=function(t,e){e.some(function(n){try{n.__h.some(st),n.__h=n.__h.filter(function(s){return!s.__||Ut(s)})}catch(s){n.__h=[function(){throw s}]}}),be&&be(t,e)},S.unmount=function(t){me&&me(t);var e,n,s=t.__c;s&&s.__H&&(s.__H.__.some(function(a){try{if(a.__P&&a.__c){if(n===void 0){for(n=t.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}a.__P=n,ye(zt.push(a))}else st(a)}catch(l){e=l}}),s.__H=void 0,e&&S.__e(e,s.__v))};var ve=typeof requestAnimationFrame=="function";function mn(t){var e,n=function(){clearTimeout(s),ve&&cancelAnimationFrame(e),setTimeout(t)},s=setTimeout(n,35);ve&&(e=requestAnimationFrame(n))}function ye(t){t!=1&&fe==S.requestAnimationFrame||((fe=S.requestAnimationFrame)||mn)(bn)}function st(t){var e=C,n=t.__c;typeof n=="function"&&(t.__c=void 0,n()),C=e}function Ut(t){var e=C;t.__c=t.__(),C=e}function Ft(t,e){return!t||t.length!=e.length||e.some(function(n,s){return!qt(n,t[s])})}function xe(t,e){return typeof e=="function"?e(t):e}var Se=function(t,e,n,s){var a;e[0]=0;for(var l=1;l<e.length;l++){var r=e[l++],o=e[l]?(e[0]|=r?1:2,n[e[l++]]):e[++l];r===3?s[0]=o:r===4?s[1]=Object.assign(s[1]||{},o):r===5?(s[1]=s[1]||{})[e[++l]]=o:r===6?s[1][e[++l]]+=o+"":r?(a=t.apply(o,Se(t,o,n,["",null])),s.push(a),o[0]?e[0]|=2:(e[l-2]=0,e[l]=a)):s.push(o)}return s},we=new Map;function E(t){var e=we.get(this);return e||(e=new Map,we.set(this,e)),(e=Se(this,e.get(t)||(e.set(t,e=(function(n){for(var s,a,l=1,r="",o="",i=[0],p=function(f){l===1&&(f||(r=r.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?i.push(0,f,r):l===3&&(f||r)?(i.push(3,f,r),l=2):l===2&&r==="..."&&f?i.push(4,f,0):l===2&&r&&!f?i.push(5,0,!0,r):l>=5&&((r||!f&&l===5)&&(i.push(l,0,r,a),l=6),f&&(i.push(l,f,0,a),l=6)),r=""},d=0;d<n.length;d++){d&&(l===1&&p(),p(d));for(var c=0;c<n[d].length;c++)s=n[d][c],l===1?s==="<"?(p(),i=[i],l=3):r+=s:l===4?r==="--"&&s===">"?(l=1,r=""):r=s+r[0]:o?s===o?o="":r+=s:s==='"'||s==="'"?o=s:s===">"?(p(),l=1):l&&(s==="="?(l=5,a=r,r=""):s==="/"&&(l<5||n[d][c+1]===">")?(p(),l===3&&(i=i[0]),l=i,(i=i[0]).push(2,0,l),l=0):s===" "||s==="	"||s===`
`||s==="\r"?(p(),l=2):r+=s),l===3&&r==="!--"&&(l=4,i=i[0])}return p(),i})(t)),e),arguments,[])).length>1?e:e[0]}var mt=Symbol.for("dspyer-lab.viz"),gt=Symbol.for("dspyer-lab.viz.pending"),Ht=3e3;function gn(t){let e=URL.createObjectURL(new Blob([t],{type:"text/javascript"}));return import(e).finally(()=>URL.revokeObjectURL(e))}function vn(){let t={askedAt:-1/0,asked:new WeakSet,settled:!1};return t.promise=new Promise((e,n)=>{t.resolve=e,t.reject=n}),t.promise.then(()=>{t.settled=!0},()=>{t.settled=!0,globalThis[mt]===t.promise&&(delete globalThis[mt],delete globalThis[gt])}),globalThis[mt]=t.promise,globalThis[gt]=t,t}function yn(t,e){e.asked.add(t),e.askedAt=Date.now();function n(s,a){if(!s||s.type!=="runtime"||(t.off("msg:custom",n),e.settled))return;let l=a&&a[0];if(!l){e.reject(new Error(s.error||"the kernel sent no Graphviz runtime"));return}gn(l).then(r=>r.instance()).then(e.resolve,e.reject)}t.on("msg:custom",n);try{t.send({type:"need-runtime"})}catch{}}function Ce(){let t=globalThis[gt];return!t||!t.settled}function Wt(t){let e=globalThis[gt];return(!globalThis[mt]||!e)&&(e=vn()),!e.settled&&!e.asked.has(t)&&Date.now()-e.askedAt>Ht&&yn(t,e),e.promise}var kn="http://www.w3.org/2000/svg",xn=["fill","fill-opacity","stroke","stroke-width","stroke-dasharray","stroke-opacity","opacity"],wn=["font-family","font-size","font-weight","font-style"],Sn=["tabindex","role","aria-label","data-selected","style","class"];function Cn(t,e){let n=t.ownerDocument&&t.ownerDocument.defaultView;if(!n||!t.isConnected)return;let s=[t,...t.querySelectorAll("*")],a=[e,...e.querySelectorAll("*")];for(let l=0;l<s.length&&l<a.length;l++){let r=s[l],o=a[l],i=n.getComputedStyle(r),p=i.display==="none"||i.visibility==="hidden";for(let f of Sn)o.removeAttribute(f);if(p){o.setAttribute("display","none");continue}let d=r.localName;if(["ellipse","polygon","path","polyline","rect","circle","line","text"].includes(d))for(let f of xn)o.setAttribute(f,i.getPropertyValue(f));if(d==="text")for(let f of wn)o.setAttribute(f,i.getPropertyValue(f))}}function An(t){let e=t.cloneNode(!0);Cn(t,e),e.setAttribute("xmlns",kn);let n=t.closest&&t.closest(".dspyer-graphview"),s=t.ownerDocument&&t.ownerDocument.defaultView;if(n&&s&&n.isConnected){let a=s.getComputedStyle(n).getPropertyValue("--dl-bg").trim(),l=e.querySelector("g.graph > polygon");a&&l&&l.setAttribute("fill",a)}return new XMLSerializer().serializeToString(e)}var Ae=new WeakMap,Tn=60;function vt(t,e,n=0){if(!e)return;if(!e.isConnected){n<Tn&&requestAnimationFrame(()=>vt(t,e,n+1));return}let s=An(e);Ae.get(t)!==s&&(Ae.set(t,s),t.send({type:"snapshot",svg:s}))}function yt(t,e,n={_picture:"_open_picture",_panel:"_open_panel"}){let s=new Map,a=r=>{let o=/^change:(.*)$/.exec(r);return o?`change:${n[o[1]]??o[1]}`:r},l=(r,o)=>r!=="msg:custom"?o:(s.has(o)||s.set(o,(i,p)=>{i&&(i.to===e||i.type==="runtime")&&o(i,p)}),s.get(o));return{get:r=>r==="_still"?"":t.get(n[r]??r),on:(r,o)=>t.on(a(r),l(r,o)),off:(r,o)=>t.off(a(r),l(r,o)),send:(r,...o)=>t.send(r&&r.type==="need-runtime"?r:{...r,to:e},...o)}}var P=E.bind(M),Te={index:"#",summary:"inputs",status:"status",score:"score",attempts:"attempts",duration:"duration",error_type:"error"},Mn={all:"all examples",failures:"failures only",failed:"failed",rate_limited:"rate-limited",cancelled:"cancelled",running:"running",finished:"finished"},En={failure_rate:"share of visits (each shade 20%)",retry_rate:"share of visits (each shade 20%)",visits:"relative to the busiest node",p50:"relative to the slowest node",p95:"relative to the slowest node"};function On({model:t,panel:e}){let n=e.progress||{},s=e.stop||{},a=n.total||0,l=o=>`${a?100*o/a:0}%`,r=(n.done||0)-(n.failed||0)-(n.rate_limited||0);return P`<div class="dl-toolbar dl-batch-progress">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>t.send({type:"stop"})}>■ Stop</button>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${a} aria-valuenow=${n.done||0}
      data-done=${n.done||0} data-total=${a}>
      <span class="dl-bar-ok" style=${{width:l(r)}}></span>
      <span class="dl-bar-failed" style=${{width:l((n.failed||0)+(n.rate_limited||0))}}></span>
    </div>
    <span class="dl-status" title=${[n.text,e.store].filter(Boolean).join(`
`)}
      data-stored=${e.store||void 0}>${n.text||""}</span>
  </div>`}function Pn({measure:t,label:e}){return P`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">${e}: ${En[t]||""}</span>
    ${[0,1,2,3,4,5].map(n=>P`<span class="dl-key" data-heat=${n}>
      <span class="dl-swatch"></span>${n===0?"none":""}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>edge width: times taken</span>
  </div>`}function jn({panel:t,measure:e}){let n=t.nodes||[];if(!n.length)return null;let s=["visits","retry_rate","failure_rate","model_retries","p50","p95"],a={visits:"visits",retry_rate:"retry rate",failure_rate:"failure rate",model_retries:"model retries",p50:"p50",p95:"p95"};return P`<div class="dl-scroll"><table class="dl-table dl-nodes">
    <thead><tr><th>node</th>${s.map(l=>P`<th data-measure=${l}
      data-chosen=${l===e?"true":void 0}>${a[l]}</th>`)}</tr></thead>
    <tbody>${n.map(l=>P`<tr data-node=${l.node}><th scope="row">${l.node}</th>
      ${s.map(r=>P`<td data-measure=${r} data-chosen=${r===e?"true":void 0}>${l[r]}</td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Nn(t,e){return String(e==="index"?t.index:t[e]??"")}function Bn({model:t,panel:e}){let n=e.examples;if(!n)return null;let s=n.query||{},a=o=>t.send({type:"table",...o}),l=o=>a({sort:o,descending:s.sort===o?!s.descending:!1}),r=o=>o.kept&&t.send({type:"open",index:o.index});return P`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-filter" value=${s.filter} onChange=${o=>a({filter:o.currentTarget.value})}>
          ${(n.filters||[]).map(o=>P`<option value=${o}>${Mn[o]||o}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(s.page>0)} onClick=${()=>a({page:s.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(s.page+1<n.pages)}
        onClick=${()=>a({page:s.page+1})}>next ▶</button>
      <span class="dl-position">${n.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr>${n.columns.map(o=>P`<th data-col=${o}
        aria-sort=${s.sort===o?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${Te[o]||o}`} onClick=${()=>l(o)}>
          ${Te[o]||o}${s.sort===o?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(o=>P`<tr class="dl-example" data-index=${o.index} data-status=${o.status}
        data-kept=${o.kept?"true":"false"} data-open=${o.open?"true":void 0}
        tabindex=${o.kept?"0":void 0} role=${o.kept?"button":void 0}
        title=${o.kept?`open example ${o.index}${o.error?`: ${o.error}`:""}`:"events not kept (not sampled)"}
        onClick=${()=>r(o)} onKeyDown=${i=>i.key==="Enter"&&r(o)}>
        ${n.columns.map(i=>P`<td data-col=${i}>${Nn(o,i)}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function Dn({model:t,panel:e,Lab:n,example:s}){return e.opened===null||e.opened===void 0||!t.get("_open_panel")?null:P`<div class="dl-opened" data-index=${e.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">Example ${e.opened}</span>
      <button class="dl-close" onClick=${()=>t.send({type:"close-example"})}>✕ close</button>
    </div>
    <${n} key=${e.opened} model=${s} />
  </div>`}function Me({model:t,views:e,useTrait:n}){let{GraphPane:s,Lab:a}=e,l=n(t,"_layout")||{},r=n(t,"_picture")||{},o=n(t,"_panel")||"{}";n(t,"_open_panel");let i=A(()=>JSON.parse(o),[o]),p=A(()=>yt(t,"example"),[t]),d=i.measures||[],[c,f]=O("failure_rate"),u=(d.find(y=>y.id===c)||{}).label||c,$=A(()=>({...r,heat:{...r.heat||{},measure:c}}),[r,c]);return P`<div class="dspyer-batch" data-run-state=${i.state||"idle"} data-measure=${c}>
    <${On} model=${t} panel=${i} />
    <div class="dl-body">
      <div class="dl-main">
        <label class="dl-pick">colour nodes by
          <select class="dl-measure" value=${c} onChange=${y=>f(y.currentTarget.value)}>
            ${d.map(y=>P`<option value=${y.id}>${y.label}</option>`)}
          </select></label>
        <${s} model=${t} layout=${l} picture=${$}
          legend=${P`<${Pn} measure=${c} label=${u} />`} />
        <${jn} panel=${i} measure=${c} />
      </div>
      <div class="dl-side"><${Bn} model=${t} panel=${i} /></div>
    </div>
    <${Dn} model=${t} panel=${i} Lab=${a} example=${p} />
  </div>`}var v=E.bind(M),kt={changed:"changed",same:"same","only-a":"only in A","only-b":"only in B",none:"not run"},Rn={all:"all examples",fixed:"fixed",broken:"broken",same:"same",changed:"changed"},Ln=["fixed","broken","same","changed"];function Ee(t,e){let n=t.querySelector(":scope > title");n||(n=document.createElementNS("http://www.w3.org/2000/svg","title"),t.prepend(n)),n.textContent!==e&&(n.textContent=e)}function at(t,e,n){n==null?t.hasAttribute(e)&&t.removeAttribute(e):t.getAttribute(e)!==String(n)&&t.setAttribute(e,String(n))}function Oe(t,e,n){if(!t)return;let s=e&&e.nodes?e:null,a=e&&e.heat||null;for(let r of t.querySelectorAll("g.node[data-node]")){let o=r.getAttribute("data-node");if(s){let i=s.nodes[o]||"none";at(r,"data-diff",i),at(r,"data-diverge",s.diverge===o?"true":null),Ee(r,`${o}: ${kt[i]||i}${s.diverge===o?" (the paths part here)":""}`)}else if(a){let i=a[o],p=i&&i.levels&&i.levels[n]||0;at(r,"data-delta",p>0?"worse":p<0?"better":"none"),at(r,"data-delta-level",Math.abs(p)),Ee(r,i?i.title:`${o}: not run`)}}let l=s&&s.edges||{};for(let r of t.querySelectorAll("g.edge[data-edge]"))at(r,"data-side",s&&l[r.getAttribute("data-edge")]||null)}function je({model:t,GraphPane:e,layout:n,picture:s,measure:a,legend:l}){let r=R(null),o=s.compare;return B(()=>{let i=r.current;Oe(i,o,a);let p=new MutationObserver(()=>Oe(i,o,a));return p.observe(i,{childList:!0,subtree:!0}),()=>p.disconnect()},[o,a]),v`<div class="dl-compare-graph" ref=${r}>
    <${e} model=${t} layout=${n} picture=${s} legend=${l} />
  </div>`}function In({ops:t,keep:e}){return t.filter(([n])=>n==="="||n===e).map(([n,s])=>n==="="?s:n==="-"?v`<del class="dl-del">${s}</del>`:v`<ins class="dl-ins">${s}</ins>`)}function xt({row:t,side:e}){let n=e==="a"?"dl-a":"dl-b";return t.changed&&t.diff&&t.diff.length?v`<td class=${n}><pre class="dl-value"><${In} ops=${t.diff} keep=${e==="a"?"-":"+"} /></pre></td>`:v`<td class=${n}><pre class="dl-value">${t[e]}</pre></td>`}function Pe(t){if(!t)return"not run";let e=[t.status,t.duration,`${t.attempts??0} attempt(s)`,`${t.tokens} tokens`];return t.calls&&e.push(`${t.calls} call(s)${t.models.length?` (${t.models.join(", ")})`:""}`),e.filter(Boolean).join(" · ")}function qn({detail:t}){return t?v`<div class="dl-detail" data-node=${t.node} data-diff=${t.diff}>
    <div class="dl-title">${t.node}: ${kt[t.diff]||t.diff}
      ${t.changed.length?` (${t.changed.join(", ")})`:""}</div>
    ${t.visits.map(e=>v`<div class="dl-scroll"><table class="dl-table dl-fields" data-visit=${e.visit}>
      <thead><tr><th>visit ${e.visit}</th><th class="dl-a">A: ${Pe(e.a)}</th>
        <th class="dl-b">B: ${Pe(e.b)}</th></tr></thead>
      <tbody>${e.fields.map(n=>v`<tr data-field=${n.field} data-changed=${n.changed?"true":"false"}>
        <th scope="row">${n.field}</th><${xt} row=${n} side="a" /><${xt} row=${n} side="b" /></tr>`)}
      </tbody></table></div>`)}
    ${t.more&&v`<p class="dl-hint dl-more">${t.more}</p>`}
  </div>`:v`<p class="dl-hint">Click a node (on the graph or in the list) to see its two runs side by side.</p>`}function zn({model:t,data:e,send:n,GraphPane:s}){let a=e.summary||{},l=e.path&&e.path.diverge,r=v`<div class="dl-legend" aria-label="legend">
    ${["changed","same","only-a","only-b"].map(o=>v`<span class="dl-key" data-diff=${o}>
      <span class="dl-swatch"></span>${kt[o]}</span>`)}
    <span class="dl-key" data-side="a"><span class="dl-line"></span>A's path</span>
    <span class="dl-key" data-side="b"><span class="dl-line"></span>B's path</span>
    <span class="dl-key" data-side="both"><span class="dl-line"></span>both</span>
  </div>`;return v`<div class="dl-body">
    <div class="dl-main">
      <${je} model=${t} GraphPane=${s} layout=${e.layout||{}}
        picture=${e.picture||{}} legend=${r} />
      <p class="dl-path-line" data-diverge=${l?"true":"false"}>${l?`The paths part at step ${l.step+1}${l.after?`, after ${l.after}`:""}: A → ${l.a||"end"}, B → ${l.b||"end"}`:"Both runs took the same path."}</p>
      <div class="dl-scroll"><table class="dl-table dl-summary">
        <thead><tr><th></th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
        <tbody>
          <tr><th scope="row">status</th><td class="dl-a">${a.a.status}</td><td class="dl-b">${a.b.status}</td></tr>
          <tr><th scope="row">duration</th><td class="dl-a">${a.a.duration}</td><td class="dl-b">${a.b.duration}</td></tr>
          <tr><th scope="row">tokens</th><td class="dl-a">${String(a.a.tokens)}</td><td class="dl-b">${String(a.b.tokens)}</td></tr>
          <tr data-field="output" data-changed=${a.output_changed?"true":"false"}><th scope="row">output</th>
            <${xt} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="a" />
            <${xt} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="b" /></tr>
        </tbody></table></div>
    </div>
    <div class="dl-side">
      <div class="dl-node-list">${(e.nodes||[]).map(o=>v`<button class="dl-node" data-node=${o.node}
        data-diff=${o.diff} aria-pressed=${e.selected===o.node?"true":"false"}
        onClick=${()=>n({type:"select",node:e.selected===o.node?"":o.node})}>
        ${o.node}: ${kt[o.diff]||o.diff}${o.changed.length?` (${o.changed.join(", ")})`:""}</button>`)}
      </div>
      <${qn} detail=${e.detail} />
    </div>
  </div>`}function Un({examples:t,send:e}){let n=a=>e({type:"table",...a}),s=a=>a.openable&&e({type:"open",index:a.index});return v`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-outcome-filter" value=${t.filter}
          onChange=${a=>n({filter:a.currentTarget.value})}>
          ${t.filters.map(a=>v`<option value=${a}>${Rn[a]||a}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(t.page>0)} onClick=${()=>n({page:t.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(t.page+1<t.pages)}
        onClick=${()=>n({page:t.page+1})}>next ▶</button>
      <span class="dl-position">${t.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr><th>#</th><th>inputs</th><th>outcome</th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
      <tbody>${t.rows.map(a=>v`<tr class="dl-example" data-index=${a.index} data-outcome=${a.outcome}
        data-openable=${a.openable?"true":"false"} tabindex=${a.openable?"0":void 0}
        role=${a.openable?"button":void 0}
        title=${a.openable?`open example ${a.index}'s two runs`:"runs not kept: only outputs and scores compared"}
        onClick=${()=>s(a)} onKeyDown=${l=>l.key==="Enter"&&s(a)}>
        <td>${String(a.index)}</td><td>${a.summary}</td><td data-col="outcome">${a.outcome}</td>
        <td class="dl-a">${[a.a.status,a.a.score].filter(Boolean).join(" · ")}</td>
        <td class="dl-b">${[a.b.status,a.b.score].filter(Boolean).join(" · ")}</td></tr>`)}
      </tbody></table></div>
  </div>`}function Fn({model:t,data:e,send:n,GraphPane:s}){let a=e.measures||[],[l,r]=O("failure_rate"),o=(a.find(c=>c.id===l)||{}).label||l,i=v`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">B − A, ${o}:</span>
    ${[-5,-3,-1,0,1,3,5].map(c=>v`<span class="dl-key" data-delta=${c>0?"worse":c<0?"better":"none"}
      data-delta-level=${Math.abs(c)}><span class="dl-swatch"></span>${c===-5?"better":c===0?"same":c===5?"worse":""}</span>`)}
  </div>`,p=e.counts||{},d=e.score||{};return v`<div class="dl-body">
    <div class="dl-main">
      <div class="dl-outcomes">${Ln.map(c=>v`<button class="dl-outcome-count" data-outcome=${c}
        ...${{[`data-outcome-count-${c}`]:String(p[c]??0)}}
        onClick=${()=>n({type:"table",filter:c})}>${c} ${String(p[c]??0)}</button>`)}</div>
      <p class="dl-score">${d.measure} B − A: <span class="dl-score-delta">${d.text}</span>${" "}
        <span class="dl-hint">(A ${d.mean_a}, B ${d.mean_b}; passes: finished${d.measure==="score"?` and score ≥ ${e.pass_threshold}`:""})</span></p>
      <label class="dl-pick">colour nodes by the change of
        <select class="dl-measure" value=${l} onChange=${c=>r(c.currentTarget.value)}>
          ${a.map(c=>v`<option value=${c.id}>${c.label}</option>`)}
        </select></label>
      <${je} model=${t} GraphPane=${s} layout=${e.layout||{}}
        picture=${e.picture||{}} measure=${l} legend=${i} />
      <div class="dl-scroll"><table class="dl-table dl-nodes">
        <thead><tr><th>node</th>${a.map(c=>v`<th data-measure=${c.id}>${c.label} A → B</th>`)}</tr></thead>
        <tbody>${(e.nodes||[]).map(c=>v`<tr data-node=${c.node}><th scope="row">${c.node}</th>
          ${a.map(f=>v`<td data-measure=${f.id}>${c.a[f.id]} → ${c.b[f.id]} (${c.delta[f.id]})</td>`)}
        </tr>`)}</tbody></table></div>
    </div>
    <div class="dl-side">${e.examples&&v`<${Un} examples=${e.examples} send=${n} />`}</div>
  </div>`}function Hn(t,e){return{get:n=>n==="_still"?"":t.get(n),on:(...n)=>t.on(...n),off:(...n)=>t.off(...n),send:(n,...s)=>{n&&n.type==="need-runtime"?t.send(n,...s):n&&n.type!=="snapshot"&&e(n)}}}function Gt({model:t,data:e,send:n,views:s,embedded:a=!0}){let{GraphPane:l}=s,r=A(()=>a?Hn(t,n):t,[t,n,a]);if(!e||!e.mode)return v`<div class="dspyer-compare"></div>`;let o=e.mode==="runs"?zn:Fn;return v`<div class="dspyer-compare" data-mode=${e.mode}>
    <div class="dl-toolbar dl-compare-head">
      ${e.back&&v`<button class="dl-back" onClick=${()=>n({type:"back"})}>◀ back to the batches</button>`}
      <span class="dl-label dl-a">A: ${e.labels.a}</span>
      <span class="dl-label dl-b">B: ${e.labels.b}</span>
      ${e.note&&v`<span class="dl-note">${e.note}</span>`}
    </div>
    <${o} model=${r} data=${e} send=${n} GraphPane=${l} />
  </div>`}function Ne({model:t,views:e,useTrait:n}){let s=n(t,"_layout")||{},a=n(t,"_picture")||{},l=n(t,"_compare")||"{}",r=A(()=>({...JSON.parse(l),picture:a,layout:s}),[l,a,s]),o=A(()=>i=>t.send(i),[t]);return v`<${Gt} model=${t} data=${r} send=${o} views=${e} embedded=${!1} />`}var Wn=E.bind(M);function Be(){return Wn`<div class="dspyer-optimize">Optimization view</div>`}var w=E.bind(M),Vt={program:"program",started:"started",status:"status",duration:"duration",total_tokens:"tokens",cost:"cost",error:"error",examples:"examples",scores:"scores"};function Gn({send:t,table:e}){let n=e.query||{},s=r=>t({type:"table",...r}),a=(r,o)=>o.trim()!==(n[r]||"")&&s({[r]:o.trim()}),l=(r,o,i)=>w`<label class="dl-pick">${i}
    <input class=${o} type="text" size="12" value=${n[r]||""}
      onChange=${p=>a(r,p.currentTarget.value)}
      onKeyDown=${p=>p.key==="Enter"&&a(r,p.currentTarget.value)} /></label>`;return w`<div class="dl-filters">
    <label class="dl-pick">program
      <select class="dl-f-program" value=${n.program||""} onChange=${r=>s({program:r.currentTarget.value})}>
        <option value="">all</option>
        ${(e.programs||[]).map(r=>w`<option value=${r}>${r}</option>`)}
        ${n.program&&!(e.programs||[]).includes(n.program)&&w`<option value=${n.program}>${n.program}</option>`}
      </select></label>
    <label class="dl-pick">status
      <select class="dl-f-status" value=${n.status||""} onChange=${r=>s({status:r.currentTarget.value})}>
        <option value="">all</option>
        ${(e.statuses||[]).map(r=>w`<option value=${r}>${r}</option>`)}
      </select></label>
    ${l("node","dl-f-node","visited node")}
    ${l("text","dl-f-text","error contains")}
    <label class="dl-pick">from
      <input class="dl-f-since" type="date" value=${n.since||""} onChange=${r=>s({since:r.currentTarget.value})} /></label>
    <label class="dl-pick">to
      <input class="dl-f-until" type="date" value=${n.until||""} onChange=${r=>s({until:r.currentTarget.value})} /></label>
  </div>`}function De({page:t,pages:e,position:n,go:s}){return w`<div class="dl-pager">
    <button class="dl-prev" disabled=${!(t>0)} onClick=${()=>s(t-1)}>◀ previous</button>
    <button class="dl-next" disabled=${!(t+1<e)} onClick=${()=>s(t+1)}>next ▶</button>
    <span class="dl-position">${n}</span>
  </div>`}function Vn({send:t,confirm:e}){return e?w`<div class="dl-confirm" role="alertdialog">
    <span class="dl-confirm-text">${e.text}</span>
    <button class="dl-delete-confirm" onClick=${()=>t({type:"delete-confirm"})}>Delete</button>
    <button class="dl-delete-cancel" onClick=${()=>t({type:"delete-cancel"})}>Cancel</button>
  </div>`:null}function Re({send:t,panel:e}){return w`<button class="dl-compare" disabled=${!e.can_compare} onClick=${()=>t({type:"compare"})}
    title="check two rows to compare them side by side">Compare</button>`}function Le({send:t,id:e,checked:n,label:s}){return w`<td class="dl-check" onClick=${a=>a.stopPropagation()}><input class="dl-check" type="checkbox"
    checked=${n} aria-label=${s}
    onChange=${a=>t({type:"check",id:e,checked:a.currentTarget.checked})} /></td>`}function Kn({send:t,panel:e}){let n=e.runs;if(!n)return null;let s=n.query||{},a=new Set(e.checked||[]),l=o=>t({type:"table",sort:o,descending:s.sort===o?!s.descending:o==="started"}),r=o=>t({type:"open",run_id:o.run_id});return w`<div class="dl-runs-list">
    <${Gn} send=${t} table=${n} />
    <div class="dl-actions">
      <${De} page=${s.page} pages=${n.pages} position=${n.position}
        go=${o=>t({type:"table",page:o})} />
      <button class="dl-delete" disabled=${!e.can_delete} onClick=${()=>t({type:"delete"})}
        title="delete the checked runs from the store">${`Delete${a.size?` ${a.size}`:""}…`}</button>
      <${Re} send=${t} panel=${e} />
    </div>
    <${Vn} send=${t} confirm=${e.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-runs-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(o=>w`<th data-col=${o}
        aria-sort=${s.sort===o?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${Vt[o]||o}`} onClick=${()=>l(o)}>
          ${Vt[o]||o}${s.sort===o?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(o=>w`<tr class="dl-run" key=${o.run_id} data-run-id=${o.run_id} data-status=${o.status}
        data-checked=${a.has(o.run_id)?"true":void 0} data-open=${e.opened===o.run_id?"true":void 0}
        data-parent=${o.parent||void 0} tabindex="0" role="button" title=${`open run ${o.run_id}`}
        onClick=${()=>r(o)} onKeyDown=${i=>i.key==="Enter"&&i.target===i.currentTarget&&r(o)}>
        <${Le} send=${t} id=${o.run_id} checked=${a.has(o.run_id)} label=${`select run ${o.run_id}`} />
        ${n.columns.map(i=>w`<td data-col=${i} title=${i==="error"?o.error_full:void 0}>${o[i]??""}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function Jn({send:t,opened:e}){return e?w`<div class="dl-batch-examples" data-batch-id=${e.batch_id}>
    <div class="dl-opened-bar">
      <span class="dl-title">${e.title}</span>
      <button class="dl-close" onClick=${()=>t({type:"open-batch",batch_id:null})}>✕ close</button>
    </div>
    <${De} page=${e.page} pages=${e.pages} position=${e.position}
      go=${n=>t({type:"batch-page",page:n})} />
    <div class="dl-scroll"><table class="dl-table">
      <thead><tr><th>#</th><th>run</th><th>score</th><th>status</th></tr></thead>
      <tbody>${e.rows.map(n=>{let s=()=>n.run_id&&n.status!=="deleted"&&t({type:"open",run_id:n.run_id});return w`<tr class="dl-batch-example" data-index=${n.index} data-run-id=${n.run_id||void 0}
          data-status=${n.status} tabindex="0" role="button" onClick=${s} onKeyDown=${a=>a.key==="Enter"&&s()}>
          <td>${String(n.index)}</td><td>${n.run_id||""}</td><td>${n.score}</td><td>${n.status}</td></tr>`})}</tbody>
    </table></div>
  </div>`:null}function Xn({send:t,panel:e}){let n=e.batches;if(!n)return null;let s=n.opened,a=new Set(e.checked||[]);return w`<div class="dl-batches-list">
    <div class="dl-actions"><${Re} send=${t} panel=${e} /></div>
    <div class="dl-scroll"><table class="dl-table dl-batches-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(l=>w`<th data-col=${l}>${Vt[l]||l}</th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>{let r=()=>t({type:"open-batch",batch_id:l.batch_id});return w`<tr class="dl-batch" key=${l.batch_id} data-batch-id=${l.batch_id} data-status=${l.status}
          data-open=${s&&s.batch_id===l.batch_id?"true":void 0} tabindex="0" role="button"
          data-checked=${a.has(l.batch_id)?"true":void 0}
          onClick=${r} onKeyDown=${o=>o.key==="Enter"&&o.target===o.currentTarget&&r()}>
          <${Le} send=${t} id=${l.batch_id} checked=${a.has(l.batch_id)} label=${`select batch ${l.batch_id}`} />
          ${n.columns.map(o=>w`<td data-col=${o}>${l[o]??""}</td>`)}</tr>`})}</tbody>
    </table></div>
    <${Jn} send=${t} opened=${s} />
  </div>`}function Yn({model:t,panel:e,Lab:n,run:s}){return!e.opened||!t.get("_open_panel")?null:w`<div class="dl-opened" data-run-id=${e.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">${`Run ${e.opened}`}</span>
      ${!e.forkable&&w`<span class="dl-note dl-replay-only">replay only: give RunsView the program that made it
        to run from a step</span>`}
      <button class="dl-close" onClick=${()=>t.send({type:"close-run"})}>✕ close</button>
    </div>
    <${n} key=${e.opened} model=${s} />
  </div>`}function Qn({model:t,views:e,useTrait:n}){let s=n(t,"_compare")||"",a=A(()=>s?JSON.parse(s):null,[s]),l=A(()=>r=>t.send({...r,to:"compare"}),[t]);return a?w`<div class="dl-compared">
    <div class="dl-opened-bar">
      <span class="dl-title">Compare</span>
      <button class="dl-close" onClick=${()=>t.send({type:"close-compare"})}>✕ close</button>
    </div>
    <${Gt} model=${t} data=${a} send=${l} views=${e} />
  </div>`:null}function Ie({model:t,views:e,useTrait:n}){let{Lab:s}=e,a=n(t,"_panel")||"{}";n(t,"_open_panel");let l=A(()=>JSON.parse(a),[a]),r=A(()=>yt(t,"run",{_picture:"_open_picture",_panel:"_open_panel",_layout:"_open_layout"}),[t]),o=c=>t.send(c),i=l.mode||"runs",p=i==="runs"?(l.runs||{}).total:(l.batches||{}).total,d=(c,f)=>w`<button class="dl-mode" data-mode=${c} aria-pressed=${c===i?"true":"false"}
    onClick=${()=>o({type:"mode",mode:c})}>${f}</button>`;return w`<div class="dspyer-runs" data-mode=${i} data-count=${p??0}>
    <div class="dl-runs-bar">
      <span class="dl-toggle" role="group">${d("runs","Runs")}${d("batches","Batches")}</span>
      <button class="dl-refresh" title="read the store again" onClick=${()=>o({type:"refresh"})}>⟳ Refresh</button>
      <span class="dl-store" title=${l.store||""}>${l.store||""}</span>
      <span class="dl-notice">${l.notice||""}</span>
    </div>
    ${i==="runs"?w`<${Kn} send=${o} panel=${l} />`:w`<${Xn} send=${o} panel=${l} />`}
    <${Qn} model=${t} views=${e} useTrait=${n} />
    <${Yn} model=${t} panel=${l} Lab=${s} run=${r} />
  </div>`}var Zn="http://www.w3.org/2000/svg",Kt=["idle","running","retrying","done","failed","cancelled"],ts=new Set(Kt),es="__end__",qe={start:"start",end:"end"},ze=6,Ue=null;function ns(t){Ue??=document.createElement("canvas");let e=Ue.getContext("2d");return(n,s)=>(e.font=`${s}px ${t}`,e.measureText(n).width)}function ss(t,e){let n=[],s=new Map,a=(l,r)=>{let o=14,i=0,p=0;for(let d of l||[])d.op==="F"?o=d.size:d.op==="T"&&(i=Math.max(i,d.width),p=Math.max(p,e(d.text,o)));p>0&&r(i,p)};for(let l of t.objects||[])a(l._ldraw_,(r,o)=>n.push({id:l.name,est:r,real:o,width:+l.width,shape:l.shape}));for(let l of t.edges||[]){let r=String(l.class||"").split(/\s+/).find(o=>/^e\d+$/.test(o));r&&a(l._ldraw_,(o,i)=>s.set(r,{est:o,real:i}))}return{nodes:n,edges:s}}function as(t,e){let n=[];for(let a of e){if(a.real+ze<=a.est||!/^[A-Za-z0-9_]+$/.test(a.id))continue;let l=a.shape==="diamond"?2:1,r=a.width+l*(a.real+ze-a.est)/72;n.push(`${a.id} [width=${r.toFixed(3)}]`)}if(!n.length)return t;let s=t.lastIndexOf("}");return`${t.slice(0,s)}${n.join(`
`)}
}`}async function Fe(t,e,n){document.fonts&&document.fonts.ready&&await document.fonts.ready;let s=ns(n),a=ss(t.renderJSON(e),s),l=t.renderSVGElement(as(e,a.nodes));for(let r of l.querySelectorAll("g.edge")){let o=[...r.classList].find(p=>a.edges.has(p)),i=o&&a.edges.get(o);if(!(!i||i.real<=i.est))for(let p of r.querySelectorAll(":scope > text"))p.setAttribute("textLength",String(i.est)),p.setAttribute("lengthAdjust","spacingAndGlyphs")}return l}function G(t){let e=[],n=[];for(let s of t.children){let a=s.localName;if(a==="ellipse"){let l=+s.getAttribute("cx"),r=+s.getAttribute("cy"),o=+s.getAttribute("rx"),i=+s.getAttribute("ry");e.push(l-o,l+o),n.push(r-i,r+i)}else if(a==="polygon"||a==="path"||a==="polyline"){let r=(s.getAttribute(a==="path"?"d":"points")||"").match(/-?\d*\.?\d+(?:e-?\d+)?/gi)||[];for(let o=0;o+1<r.length;o+=2)e.push(+r[o]),n.push(+r[o+1])}}return e.length?{x1:Math.min(...e),y1:Math.min(...n),x2:Math.max(...e),y2:Math.max(...n)}:null}function W(t,e){let n=document.createElementNS(Zn,t);for(let[s,a]of Object.entries(e))n.setAttribute(s,String(a));return n}function Q(t,e){let n=t.querySelector(":scope > title");n||(n=W("title",{}),t.prepend(n)),n.textContent=e}var wt=class{constructor(e,n){this.svg=e,this.nodes=new Map,this.edges=new Map,this.notes={calls:new Map,progress:new Map,sends:new Map},this.junctions=new Map,this.joinOuts=new Map,e.setAttribute("class","dl-svg");let s=n.nodes||{},a=n.joins||{};for(let r of e.querySelectorAll("g.node")){let o=r.querySelector(":scope > title")?.textContent??"";if(Object.hasOwn(s,o)){let i=s[o];r.setAttribute("data-node",i),r.setAttribute("tabindex","0"),r.setAttribute("role","button"),Q(r,i),this.nodes.set(i,{group:r,badge:this.makeBadge(r)})}else Object.hasOwn(qe,o)?(r.setAttribute("data-marker",qe[o]),Q(r,o.toUpperCase())):Object.hasOwn(a,o)&&(r.setAttribute("data-join",o),Q(r,a[o]))}let l=new Map((n.edges||[]).map(r=>[r.id,r]));for(let r of e.querySelectorAll("g.edge.dl-join-out")){let o=[...r.classList].find(i=>Object.hasOwn(a,i));o&&this.joinOuts.set(o,r)}for(let r of e.querySelectorAll("g.edge")){let o=[...r.classList].map(d=>l.get(d)).find(Boolean);if(!o)continue;r.setAttribute("data-edge",o.id),r.setAttribute("data-source",o.source),r.setAttribute("data-target",o.target),o.key!==null&&o.key!==void 0&&r.setAttribute("data-decision",o.key);let i=o.target===es?"END":o.target,p=o.key==null?`${o.source} → ${i}`:`${o.source} → ${i} [${o.key}]`;o.join&&r.setAttribute("data-join","true"),o.junction&&this.junctions.set(o.id,o.junction),Q(r,o.join?`${p}: ${o.join}`:p),this.edges.set(o.id,r)}}nodeGroups(){return[...this.nodes].map(([e,n])=>[e,n.group])}makeBadge(e){let n=G(e);if(!n)return null;let s=W("g",{class:"dl-badge",transform:`translate(${n.x2} ${n.y1})`});s.style.display="none";let a=W("rect",{x:-10,y:-8,width:20,height:16,rx:8,ry:8}),l=W("text",{x:0,y:3.5,"text-anchor":"middle","font-size":10});return s.append(a,l),e.appendChild(s),{badge:s,rect:a,text:l}}apply(e){let n=e.status||{},s=e.visits||{},a=e.selected||"";for(let[o,i]of this.nodes){let p=ts.has(n[o])?n[o]:"idle",d=Number.isFinite(s[o])?s[o]:0,c=i.group;c.getAttribute("data-status")!==p&&c.setAttribute("data-status",p),c.setAttribute("data-visits",String(d)),c.setAttribute("aria-label",d>1?`${o}: ${p}, ${d} visits`:`${o}: ${p}`),o===a?c.setAttribute("data-selected","true"):c.removeAttribute("data-selected"),this.setBadge(i,d)}let l=e.path||{};for(let[o,i]of this.edges){let p=Number.isFinite(l[o])?l[o]:0;p>0?(i.setAttribute("data-path","true"),i.setAttribute("data-times",String(p))):(i.removeAttribute("data-path"),i.removeAttribute("data-times")),o===e.last?i.setAttribute("data-taken","true"):i.removeAttribute("data-taken")}let r=new Set([...this.junctions].filter(([o])=>l[o]>0).map(([,o])=>o));for(let[o,i]of this.joinOuts)r.has(o)?i.setAttribute("data-path","true"):i.removeAttribute("data-path");e.heat&&this.applyHeat(e.heat)}applyHeat(e){let n=e.nodes||{};for(let[a,l]of this.nodes){let r=n[a],o=r&&r.levels?r.levels[e.measure]:void 0;l.group.setAttribute("data-heat",String(Number.isFinite(o)?o:0)),Q(l.group,r?r.title:`${a}: not run`)}let s=e.edges||{};for(let[a,l]of this.edges){let r=s[a];r?(l.setAttribute("data-count",String(r.count)),l.setAttribute("data-weight",String(r.weight))):(l.removeAttribute("data-count"),l.removeAttribute("data-weight"));let i=(l.querySelector(":scope > title")?.textContent||"").replace(/: taken \d+ times?$/,"");Q(l,r?`${i}: taken ${r.count} time${r.count===1?"":"s"}`:i)}}setBadge(e,n){if(!e.badge)return;let{badge:s,rect:a,text:l}=e.badge;if(n>1){let r=`×${n}`;if(l.textContent!==r){l.textContent=r;let o=Math.max(20,6.2*r.length+8);a.setAttribute("x",String(-o/2)),a.setAttribute("width",String(o))}s.style.display=""}else s.style.display="none"}};function ot(t,e,n,{cls:s,attr:a,place:l,show:r}){let o=n||{};for(let[i,p]of t){let d=Object.hasOwn(o,i)?o[i]:null,c=e.get(i);if(!d){c&&c.box.remove(),e.delete(i),p.removeAttribute(a);continue}if(!c){let y=l(p);if(!y)continue;c=os(p,s,y),e.set(i,c)}let{value:f,label:u,hint:$}=r(d,p);p.setAttribute(a,String(f)),c.label.textContent!==u&&(c.label.textContent=u),c.title.textContent!==$&&(c.title.textContent=$)}}function os(t,e,{x:n,y:s,anchor:a}){let l=W("g",{class:e}),r=W("title",{}),o=W("text",{x:n,y:s,"text-anchor":a,"font-size":9});return l.append(r,o),t.appendChild(l),{box:l,title:r,label:o}}var St=E.bind(M),ls=24;function He({message:t,full:e,Cell:n}){let[s,a]=O(!!t.open);return B(()=>a(!!t.open),[t.open,t.size,t.role]),St`<details class="dl-msg" data-role=${t.role} open=${s}
    onToggle=${l=>a(l.currentTarget.open)}>
    <summary><span class="dl-role">${t.role}</span>${" "}<span class="dl-size">${t.size}</span></summary>
    ${s&&St`<pre class="dl-pre"><${n} cell=${t.text} full=${e} /></pre>`}
  </details>`}function We({stream:t}){let e=R(null),n=R(!0);B(()=>{let a=e.current;a&&n.current&&(a.scrollTop=a.scrollHeight)},[t.text]);let s=a=>{let l=a.currentTarget;n.current=l.scrollHeight-l.scrollTop-l.clientHeight<ls};return St`<div class="dl-stream-box">
    <div class="dl-stream-head">${t.field}${t.live?" · streaming…":""}</div>
    <pre class="dl-pre dl-stream" ref=${e} onScroll=${s} data-field=${t.field}
      data-live=${t.live?"true":"false"}>${t.text}</pre>
  </div>`}function Ge({text:t}){return t?St`<span class="dl-run-calls" title=${t}>${t}</span>`:null}function Ve(t,e){ot(t.nodeGroups(),t.notes.calls,e,{cls:"dl-calls",attr:"data-calls",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2+5,y:s.y2+10,anchor:"start"}},show:n=>({value:n.calls,label:String(n.label??""),hint:String(n.hint??"")})})}var T=E.bind(M);function Ke({title:t,fields:e,edits:n,setEdits:s,error:a,next:l}){return T`<div class="dl-state">
    <div class="dl-state-title">${t}</div>
    ${a&&!a.field&&T`<div class="dl-edit-error" role="alert">${a.message}</div>`}
    <div class="dl-fields">
      ${e.map(r=>{let o=Object.hasOwn(n,r.name)?n[r.name]:r.text,i=Object.hasOwn(n,r.name)&&n[r.name]!==r.text,p=a&&a.field===r.name,d=Math.min(8,Math.max(1,o.split(`
`).length));return T`<div class="dl-field" data-field=${r.name} data-edited=${i?"true":void 0}
            data-invalid=${p?"true":void 0}>
          <label class="dl-field-name" title=${r.reads?`read by node '${l}'`:""}>${r.name}${r.reads?T`<span class="dl-reads"> · read by ${l}</span>`:null}</label>
          <textarea class="dl-field-value" rows=${d} spellcheck="false" readonly=${!r.editable}
            aria-invalid=${p?"true":"false"} value=${o}
            onInput=${c=>s({...n,[r.name]:c.currentTarget.value})}></textarea>
          ${p&&T`<div class="dl-edit-error" role="alert">${a.message}</div>`}
        </div>`})}
    </div>
  </div>`}function rs(t,e){let n={};for(let s of t)Object.hasOwn(e,s.name)&&e[s.name]!==s.text&&(n[s.name]=e[s.name]);return n}function is({model:t,list:e,enabled:n}){if(!n&&!e.length)return null;let s=a=>t.send({type:"breakpoint",node:a.node,when:a.when});return T`<span class="dl-bp-list" aria-label="breakpoints">
    <span class="dl-bp-title"><span class="dl-bp-icon" aria-hidden="true"></span>breakpoints</span>
    ${!e.length&&T`<span class="dl-bp-none">none: click a ◌ on a node</span>`}
    ${e.map(a=>T`<button class="dl-bp-item" data-node=${a.node} data-when=${a.when} disabled=${!n}
      title=${`Clear the breakpoint ${a.when} '${a.node}'`} onClick=${()=>s(a)}>${a.when} ${a.node} ✕</button>`)}
    ${e.length>1&&T`<button class="dl-bp-clear-all" disabled=${!n} title="Clear every breakpoint"
      onClick=${()=>e.forEach(s)}>clear all</button>`}
  </span>`}function ds(t,e){if(t&&Array.isArray(t.breakpoints))return t.breakpoints;let n=e||{};return["before","after"].flatMap(s=>(n[s]||[]).map(a=>({node:a,when:s})))}function Je({model:t,debug:e,breakpoints:n}){let s=e||{},a=s.paused,l=s.fork&&(s.fork.available||s.fork.editing)?s.fork:null,r=a&&a.key||l&&l.key||"",[o,i]=O({});bt(()=>i({}),[r]);let p=s.runs,d=(f,u)=>t.send({type:f,update:rs(u||[],o)}),c=l&&l.editing;return T`<div class="dl-debug" data-mode=${a?"paused":c?"fork":"idle"}>
    <div class="dl-debug-row">
      ${a&&T`<span class="dl-paused-at">‖ paused ${a.when} '${a.node}'</span>
        ${a.note&&T`<span class="dl-paused-next" title=${a.note}>${a.note}</span>`}
        <button class="dl-continue" disabled=${!a.enabled} title="Go on from the pause with the edited state"
          onClick=${()=>d("resume",a.fields)}>▶ Continue</button>
        <button class="dl-step" disabled=${!a.enabled} title="Run the next step (all the nodes it runs at once), then pause again"
          onClick=${()=>d("step",a.fields)}>Step ▸</button>`}
      ${l&&!c&&T`<button class="dl-fork-open"
          title="Run again from the step the slider shows, as a new run (edit the state first)"
          onClick=${()=>t.send({type:"fork-editor",open:!0})}>↪ Run from here…</button>
        <span class="dl-fork-note" title=${l.note||""}>${l.note}</span>`}
      ${c&&T`<button class="dl-fork-run" title="Start the fork with the edited state"
          onClick=${()=>d("fork",l.fields)}>↪ Run fork</button>
        <button class="dl-fork-cancel" onClick=${()=>t.send({type:"fork-editor",open:!1})}>Cancel</button>
        <span class="dl-fork-note" title=${l.note||""}>${l.note}</span>`}
      ${p&&T`<label class="dl-runs-label">run
        <select class="dl-runs" disabled=${!p.enabled} value=${String(p.value??-1)}
          onChange=${f=>t.send({type:"show-run",index:+f.currentTarget.value})}>
          ${p.options.map(f=>T`<option value=${String(f.value)}>${f.label}</option>`)}
        </select></label>`}
      ${s.diff&&T`<span class="dl-diff-note" data-changed=${s.diff.changed.length?"true":"false"}>${s.diff.text}</span>`}
      <${is} model=${t} list=${ds(e,n)} enabled=${!!s.can_break} />
    </div>
    ${a&&T`<${Ke} title=${"State at the pause: edit a value (JSON), then Continue or Step"}
      fields=${a.fields} edits=${o} setEdits=${i} error=${s.error} next=${a.next} />`}
    ${c&&T`<${Ke} title=${"State to run from: edit a value (JSON), then Run fork"}
      fields=${l.fields||[]} edits=${o} setEdits=${i} error=${s.error} next=${l.next} />`}
    ${!a&&!c&&s.error&&T`<div class="dl-edit-error" role="alert">${s.error.message}</div>`}
  </div>`}var cs="http://www.w3.org/2000/svg",Ye=["before","after"],Jt={changed:["≠","output differs from the parent run's"],same:["=","same output as the parent run"],added:["+","ran only in this fork"],removed:["−","ran in the parent run after the branch, not in this fork"]};function X(t,e){let n=document.createElementNS(cs,t);for(let[s,a]of Object.entries(e))n.setAttribute(s,String(a));return n}function Xe(t,e){let n=t.querySelector(":scope > title");n||(n=X("title",{}),t.prepend(n)),n.textContent!==e&&(n.textContent=e)}function Qe(t,e){t.debug=new Map;for(let[n,s]of t.nodes){let a=e(s.group);if(!a)continue;let l={};for(let o of Ye){let i=o==="before"?a.y1+1:a.y2-1,p=X("g",{class:"dl-bp","data-when":o,tabindex:0,role:"button",transform:`translate(${a.x1+1} ${i})`});p.append(X("circle",{class:"dl-bp-hit",r:9}),X("circle",{class:"dl-bp-dot",r:5})),s.group.appendChild(p),l[o]=p}let r=X("g",{class:"dl-diff",transform:`translate(${a.x2} ${(a.y1+a.y2)/2})`});r.append(X("rect",{x:-9,y:-8,width:18,height:16,rx:4,ry:4}),X("text",{x:0,y:4,"text-anchor":"middle","font-size":12})),r.style.display="none",s.group.appendChild(r),t.debug.set(n,{pins:l,badge:r})}}function Ct(t,e,n,s){if(!t.debug)return;let a=e.paused||null,l=e.diff||{},r=new Set(e.inherited||[]);for(let[o,{pins:i,badge:p}]of t.debug){let d=t.nodes.get(o).group;for(let f of Ye){let u=(n&&n[f]||[]).includes(o),$=i[f];u?$.setAttribute("data-on","true"):$.removeAttribute("data-on"),$.style.display=s||u?"":"none",Xe($,`${u?"Breakpoint: pause":"Click to pause"} ${f} '${o}'${u?" (click to clear)":""}`)}r.has(o)?d.setAttribute("data-inherited","true"):d.removeAttribute("data-inherited"),a&&a.node===o?d.setAttribute("data-paused",String(a.when)):d.removeAttribute("data-paused");let c=Object.hasOwn(l,o)&&Object.hasOwn(Jt,l[o])?l[o]:null;c?(d.setAttribute("data-diff",c),p.querySelector("text").textContent=Jt[c][0],Xe(p,Jt[c][1]),p.style.display=""):(d.removeAttribute("data-diff"),p.style.display="none")}}function Ze(t,e){let n=t.target.closest?.("g.dl-bp[data-when]"),s=n&&n.closest("g.node[data-node]");return!s||!e.contains(s)?null:{node:s.getAttribute("data-node"),when:n.getAttribute("data-when")}}var At=E.bind(M);function tn(t,e){ot(t.nodeGroups(),t.notes.progress,e,{cls:"dl-progress",attr:"data-progress",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2-5,y:s.y2+10,anchor:"end"}},show:n=>({value:n.text,label:`${n.text} done`,hint:String(n.hint??"")})})}function en(t,e){ot(t.edges,t.notes.sends,e,{cls:"dl-sends",attr:"data-sends",place:n=>{let s=G({children:[...n.children].filter(a=>a.localName==="polygon")});return s&&{x:s.x2+4,y:s.y1,anchor:"start"}},show:(n,s)=>{let a=`${s.getAttribute("data-source")??""} → ${s.getAttribute("data-target")??""}`;return{value:n,label:`Send ×${n}`,hint:`${a}: ${n} instance${n===1?"":"s"} started by the router's latest Send map`}}})}function nn({rows:t,onSelect:e}){return At`<ul class="dl-instances">
    ${t.map(n=>At`<li><button class="dl-instance" data-visit=${n.visit} data-status=${n.status}
      data-selected=${n.selected?"true":void 0} title=${n.failure||n.status}
      onClick=${()=>e(n.visit)}>
      <span class="dl-instance-label">${n.label}</span>${" "}<span class="dl-instance-status">${n.status}</span>
      ${n.duration&&At`${" "}<span class="dl-instance-time">${n.duration}</span>`}
      ${n.failure&&At`${" "}<span class="dl-instance-failure">${n.failure}</span>`}
    </button></li>`)}
  </ul>`}var Z=E.bind(M),us=8,sn=3;function an(t,e,n,s){let a=s-n;return a<=0?{left:"0%",width:"100%"}:{left:`min(${100*(t-n)/a}%, calc(100% - ${sn}px))`,width:`${100*(e-t)/a}%`,minWidth:`${sn}px`}}function ps({call:t,bar:e}){let n=an(t.start,t.end,e.start,e.end);return Z`<span class="dl-call" data-attempt=${t.attempt??""} data-outcome=${t.outcome}
    style=${n} title=${t.hint}></span>`}function fs({bar:t,span:e,selected:n,onSelect:s}){let a=an(t.start,t.end,e[0],e[1]);return Z`<div class="dl-bar" role="button" tabindex="0" data-visit=${t.visit} data-node=${t.node}
    data-task=${t.task||void 0} data-status=${t.status} data-live=${t.live?"true":void 0}
    data-selected=${n?"true":void 0} style=${a} title=${t.hint}
    onClick=${()=>s(t.visit)} onKeyDown=${l=>l.key==="Enter"&&s(t.visit)}>
    ${t.calls.map(l=>Z`<${ps} call=${l} bar=${t} />`)}
    <span class="dl-bar-label">${t.node}</span>
  </div>`}function on({model:t,body:e}){let n=e.span||[0,0],s=l=>t.send({type:"select",visit:l}),a=e.bars||[];return Z`<div class="dl-waterfall">
    <div class="dl-scope">${e.scope}</div>
    <div class="dl-lanes" style=${{minWidth:`${a.length*us}px`}}>
      ${(e.lanes||[]).map((l,r)=>Z`<div class="dl-lane" data-lane=${l.lane}>
        <span class="dl-lane-label" title=${l.label}>${l.label}</span>
        <div class="dl-lane-track">
          ${a.filter(o=>o.lane===r).map(o=>Z`<${fs} bar=${o} span=${n}
            selected=${o.visit===e.selected} onSelect=${s} />`)}
        </div>
      </div>`)}
    </div>
    <div class="dl-waterfall-key">
      <span class="dl-call" data-outcome="answer"></span> model call
      <span class="dl-call" data-outcome="rejected"></span> answer rejected (retried)
      <span class="dl-call" data-outcome="cached"></span> cached
    </div>
  </div>`}var _=E.bind(M),_s=new Set(["finished","failed","cancelled"]);function N(t,e){let[n,s]=O(()=>t.get(e));return B(()=>{let a=()=>s(t.get(e));return t.on(`change:${e}`,a),a(),()=>t.off(`change:${e}`,a)},[t,e]),n}var $s=[["paused","paused here"],["breakpoint","breakpoint (click a ◌ to set)"],["inherited","ran before the fork"],["diff","output ≠ parent run"]];function hs({debug:t,joins:e,sends:n}){return _`<div class="dl-legend" aria-label="legend">
    ${Kt.map(s=>_`<span class="dl-key" data-status=${s}><span class="dl-swatch"></span>${s}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>path taken</span>
    <span class="dl-key" data-mark="taken"><span class="dl-line"></span>last edge</span>
    ${e&&_`<span class="dl-key" data-mark="join"><span class="dl-swatch"></span>join (waits for all)</span>`}
    ${n&&_`<span class="dl-key" data-mark="send"><span class="dl-line"></span>Send map (×instances)</span>`}
    ${t&&$s.map(([s,a])=>_`<span class="dl-key" data-mark=${s}><span
      class="dl-swatch" aria-hidden="true">${s==="diff"?"≠":""}</span>${a}</span>`)}
  </div>`}function bs({svg:t,stalled:e}){if(!t)return null;let n=`data:image/svg+xml;charset=utf-8,${encodeURIComponent(t)}`;return _`<div class="dl-still">
    <img class="dl-still-img" alt="the graph (static picture)" src=${n} />
    ${e&&_`<div class="dl-still-note">static picture: no kernel</div>`}
  </div>`}var Zt=new WeakMap,ms=40,gs=600;function vs(t){let e=[],n=()=>{let s=(t.get("_picture")||{}).status;if(!s)return;let a=e[e.length-1];a&&JSON.stringify(a)===JSON.stringify(s)||(e.push(s),e.length>ms&&e.splice(1,1))};n(),t.on("change:_picture",n),Zt.set(t,{seen:e,stop:()=>t.off("change:_picture",n)})}function ys(t){let e=Zt.get(t);return e?(e.stop(),Zt.delete(t),e.seen.length>1?e.seen:[]):[]}async function ks(t,e,n,s){if(!e.length)return;let a=gs/e.length;for(let l of e){if(!s())return;t.apply({...n.current,status:l}),await new Promise(r=>setTimeout(r,a))}}function Xt(t,e){Ve(t,e.calls),tn(t,e.progress),en(t,e.sends)}function tt({model:t,layout:e,picture:n,debug:s,legend:a}){let l=R(null),r=R(null),o=R(n),i=R(n.run_state),[p,d]=O(""),[c,f]=O(!1),[u,$]=O(!1),y=N(t,"_still")||"";o.current=n;let m=R(s);m.current=s,B(()=>{let h=setTimeout(()=>$(Ce()),Ht);return()=>clearTimeout(h)},[]),B(()=>{let h=!0;if(r.current=null,!!e.dot)return(async()=>{try{let b=await Wt(t),I=getComputedStyle(l.current).fontFamily,q=await Fe(b,e.dot,I);if(!h)return;let j=new wt(q,e),L=ys(t);if(j.apply(L.length?{...o.current,status:L[0]}:o.current),m.current&&(Qe(j,G),Ct(j,o.current,m.current.breakpoints,m.current.enabled)),l.current.replaceChildren(q),Xt(j,o.current),f(!0),d(""),await ks(j,L,o,()=>h),!h)return;j.apply(o.current),m.current&&Ct(j,o.current,m.current.breakpoints,m.current.enabled),Xt(j,o.current),r.current=j,requestAnimationFrame(()=>vt(t,q))}catch(b){h&&d(`Could not lay out the graph: ${b&&b.message?b.message:b}`)}})(),()=>{h=!1}},[e.dot]),B(()=>{let h=r.current;if(!h)return;h.apply(n),Xt(h,n);let b=n.run_state;b!==i.current&&_s.has(b)&&requestAnimationFrame(()=>vt(t,h.svg)),i.current=b},[n]),B(()=>{r.current&&s&&Ct(r.current,n,s.breakpoints,s.enabled)},[n,s&&s.breakpoints,s&&s.enabled]);let k=h=>{let b=s&&s.enabled?Ze(h,l.current):null;if(b){if(h.type==="keydown"&&h.key!=="Enter"&&h.key!==" ")return;h.preventDefault(),t.send({type:"breakpoint",node:b.node,when:b.when});return}let I=h.target.closest?.("g.node[data-node]");if(!I||!l.current.contains(I)||h.type==="keydown"&&h.key!=="Enter"&&h.key!==" ")return;h.preventDefault();let q=I.getAttribute("data-node");t.send({type:"select",node:n.selected===q?"":q})},g=n.run_state||"idle";return _`<div class="dspyer-graphview" data-run-state=${g}>
    <div class="dl-caption">${g==="idle"?"":g}</div>
    ${!c&&_`<${bs} svg=${y} stalled=${u} />`}
    <div class="dl-stage" ref=${l} onClick=${k} onKeyDown=${k}></div>
    ${p&&_`<pre class="dl-error">${p}</pre>`}
    ${a||_`<${hs} debug=${!!s} joins=${Object.keys(e.joins||{}).length>0}
      sends=${Object.keys(n.sends||{}).length>0} />`}
  </div>`}function xs({model:t}){let e=N(t,"_layout")||{},n=N(t,"_picture")||{};return _`<${tt} model=${t} layout=${e} picture=${n} />`}function ws(t){let[e,n]=O({});return B(()=>{let a=l=>{!l||l.type!=="full-text"||typeof l.handle!="string"||n(r=>({...r,[l.handle]:String(l.text??"")}))};return t.on("msg:custom",a),()=>t.off("msg:custom",a)},[t]),{texts:e,ask:a=>{Object.hasOwn(e,a)||t.send({type:"full-text",handle:a})}}}function te({cell:t,full:e}){if(typeof t=="string"||t===null||t===void 0)return String(t??"");let n=e.texts[t.full];return n!==void 0?n:_`<span class="dl-clipped">${t.text}<button class="dl-more" title="show the full value"
    onClick=${()=>e.ask(t.full)}>show all</button></span>`}function Ss({block:t,full:e}){let[n,s]=O(!1);B(()=>{n&&e.ask(t.full)},[n,t.full]);let a=e.texts[t.full];return _`<details class="dl-fold" open=${n} onToggle=${l=>s(l.currentTarget.open)}>
    <summary>${t.fold}</summary>
    <pre class="dl-pre">${n?a??"loading…":""}</pre>
  </details>`}function Cs({table:t,full:e}){let n=new Set(t.changed||[]);return _`<div class="dl-scroll"><table class="dl-table">
    <thead><tr>${t.head.map(s=>_`<th>${s}</th>`)}</tr></thead>
    <tbody>${t.rows.map((s,a)=>_`<tr class=${n.has(a)?"dl-changed":""}>
      ${s.map((l,r)=>r===0?_`<th scope="row">${l}</th>`:_`<td><${te} cell=${l} full=${e} /></td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Tt({blocks:t,full:e,onSelect:n}){return(t||[]).map(s=>s.facts?_`<div class="dl-facts"><b>${s.facts[0]}</b>${s.facts.slice(1).map(a=>` · ${a}`)}</div>`:s.title!==void 0?_`<div class="dl-title">${s.title}</div>`:s.note!==void 0?_`<div class="dl-note">${s.note}</div>`:s.pre!==void 0?_`<pre class="dl-pre"><${te} cell=${s.pre} full=${e} /></pre>`:s.table?_`<${Cs} table=${s.table} full=${e} />`:s.fold!==void 0?_`<${Ss} block=${s} full=${e} />`:s.message?_`<${He} message=${s.message} full=${e} Cell=${te} />`:s.stream?_`<${We} stream=${s.stream} />`:s.instances&&n?_`<${nn} rows=${s.instances} onSelect=${n} />`:null)}function Yt({label:t,picker:e,onPick:n}){if(!e)return null;let s=e.options.findIndex(a=>JSON.stringify(a.value)===JSON.stringify(e.value));return _`<label class="dl-pick">${t}
    <select class="dl-picker" value=${String(s)}
      onChange=${a=>n(e.options[+a.currentTarget.value].value)}>
      ${s<0&&_`<option value="-1">—</option>`}
      ${e.options.map((a,l)=>_`<option value=${String(l)}>${a.label}</option>`)}
    </select></label>`}function As({model:t,toolbar:e}){let n=e||{},s=n.stop||{},a=n.replay,l=!s.enabled&&n.run_state==="running"&&s.hint,r=N(t,"_store_note")||"";return _`<div class="dl-toolbar">
    <div class="dl-toolbar-line">
      ${s.shown&&_`<button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
        onClick=${()=>t.send({type:"stop"})}>■ Stop</button>`}
      <span class="dl-status" title=${[n.status,r].filter(Boolean).join(`
`)}
        data-stored=${r||void 0}>${n.status||""}</span>
      ${l&&_`<span class="dl-stop-hint" title=${s.hint}>${s.hint}</span>`}
    </div>
    <div class="dl-toolbar-line dl-calls-line"><${Ge} text=${n.calls} /></div>
    <div class="dl-toolbar-line dl-replay-line">
      ${a&&_`<label class="dl-replay-label">replay
        <input class="dl-replay" type="range" min="0" max=${a.max} value=${a.value}
          onInput=${o=>t.send({type:"seek",step:+o.currentTarget.value})} /></label>
        <span class="dl-replay-note" title=${a.note||""}>${a.note}</span>`}
    </div>
  </div>`}function Ts({model:t,timeline:e}){if(!e||!e.rows)return null;let n=a=>t.send({type:"page",offset:a}),s=e.rows.length||1;return _`<div class="dl-timeline">
    <div class="dl-pager">
      <button class="dl-older" disabled=${!e.older} onClick=${()=>n(e.offset+s)}>◀ older</button>
      <button class="dl-newer" disabled=${!e.newer} onClick=${()=>n(Math.max(0,e.offset-s))}>newer ▶</button>
      <button class="dl-newest" disabled=${!e.newer} onClick=${()=>n(0)}>newest</button>
      <span class="dl-position" title=${e.position}>${e.position}</span>
    </div>
    <div class="dl-rows" role="listbox">
      ${e.rows.map(a=>_`<div class="dl-row" role="option" tabindex="0" data-index=${a.i} data-kind=${a.kind}
        data-mine=${a.mine?"true":void 0} title=${`${a.t}  ${a.node}  ${a.kind}  ${a.text}`}
        onClick=${()=>t.send({type:"select",event:a.i})}
        onKeyDown=${l=>l.key==="Enter"&&t.send({type:"select",event:a.i})}>
        <span class="dl-when">${a.t}</span>${" "}<span class="dl-node">${a.node}</span>${" "}<span
          class="dl-kind">${a.kind}</span>${" "}<span class="dl-text">${a.text}</span>
      </div>`)}
    </div>
  </div>`}var Ms=["node","calls","validation","result","error","waterfall"];function Mt(t){return t?JSON.parse(t):{}}function Es(t){return t&&typeof t.id=="string"?{[t.id]:t}:{}}function Os(t){let e=t.get("_head")!==void 0,n=N(t,e?"_head":"_panel"),s=N(t,e?"_timeline":"_panel"),a=N(t,e?"_tab":"_panel"),l=A(()=>e?null:Mt(n),[e,n]),r=A(()=>l?l.head||{}:Mt(n),[l,n]),o=A(()=>l?l.timeline:Mt(s),[l,s]),i=A(()=>Es(l?l.tab:Mt(a)),[l,a]),p=R({});return p.current={...p.current,...i},{head:r,timeline:o,bodies:p.current}}var Qt=new WeakMap;function Ps({model:t,head:e,bodies:n,full:s}){let a=e.focus||{},[l,r]=O(()=>{let d=Qt.get(t);return d&&d.n===a.n?d.tab:a.tab||"node"}),o=(d,c)=>{Qt.set(t,{tab:d,n:a.n}),r(d),c&&t.send({type:"tab",tab:d})};bt(()=>{let d=Qt.get(t);d&&d.n===a.n||o(a.tab||l,!1)},[a.n]);let i=n[l],p=(d,c)=>c?d==="node"?_`<${Yt} label="visit" picker=${c.visits}
        onPick=${f=>t.send({type:"select",visit:f})} />
      <${Tt} blocks=${c.blocks} full=${s} onSelect=${f=>t.send({type:"select",visit:f})} />`:d==="calls"?_`<div class="dl-scope">${c.scope}</div>
      <${Yt} label="call" picker=${c.calls} onPick=${f=>t.send({type:"call",index:f})} />
      <${Tt} blocks=${c.blocks} full=${s} />`:d==="validation"?_`<div class="dl-scope">${c.scope}</div>
      <${Yt} label="attempt" picker=${c.attempts}
        onPick=${f=>t.send({type:"attempt",key:f})} />
      <${Tt} blocks=${c.blocks} full=${s} />`:d==="waterfall"?_`<${on} model=${t} body=${c} />`:_`<${Tt} blocks=${c.blocks} full=${s} />`:_`<div class="dl-note">loading…</div>`;return _`<div class="dl-side">
    <div class="dl-tabs" role="tablist">
      ${(e.tabs||[]).map(d=>_`<button class="dl-tab" role="tab" data-tab=${d.id}
        data-alert=${d.alert?"true":void 0} aria-selected=${d.id===l?"true":"false"}
        onClick=${()=>o(d.id,!0)}>${d.title}</button>`)}
    </div>
    <div class="dl-panel" role="tabpanel" data-tab=${l}>${Ms.includes(l)?p(l,i):null}</div>
  </div>`}function lt({model:t}){let e=N(t,"_layout")||{},n=N(t,"_picture")||{},{head:s,timeline:a,bodies:l}=Os(t),r=ws(t),o=N(t,"breakpoints"),i=A(()=>({breakpoints:o,enabled:!!(s.debug&&s.debug.can_break)}),[o,s.debug&&s.debug.can_break]),p=s.toolbar&&s.toolbar.run_state||n.run_state||"idle";return _`<div class="dspyer-lab" data-run-state=${p}>
    <${As} model=${t} toolbar=${s.toolbar} />
    <${Je} model=${t} debug=${s.debug} breakpoints=${o} />
    <div class="dl-body">
      <div class="dl-main">
        <${tt} model=${t} layout=${e} picture=${n} debug=${i} />
        <${Ts} model=${t} timeline=${a} />
      </div>
      <${Ps} model=${t} head=${s} bodies=${l} full=${r} />
    </div>
  </div>`}function js({model:t}){Wt(t).catch(()=>{}),vs(t)}function Ns({model:t}){return _`<${Me} model=${t} views=${{GraphPane:tt,Lab:lt}} useTrait=${N} />`}function Bs({model:t}){return _`<${Ie} model=${t} views=${{GraphPane:tt,Lab:lt}} useTrait=${N} />`}function Ds({model:t}){return _`<${Ne} model=${t} views=${{GraphPane:tt,Lab:lt}} useTrait=${N} />`}function Rs({model:t}){return _`<${Be} model=${t} views=${{GraphPane:tt,Lab:lt}} useTrait=${N} />`}function Ls({model:t,el:e}){let n={lab:lt,batch:Ns,runs:Bs,compare:Ds,optimize:Rs}[t.get("_kind")]||xs;return Lt(_`<${n} model=${t} />`,e),()=>Lt(null,e)}var Va={initialize:js,render:Ls};export{Va as default};
