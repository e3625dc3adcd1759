var C,$t,Tn,V,qe,ge,ft,_e,ht,ze,Fe,Mn,re=Symbol.for("pv"),ve={},ye=[],En=/^m(i|n|o|s|text|space)$/,Ue=Array.isArray,He=ye.slice,ee=Object.assign;function Q(e){e&&e.parentNode&&e.remove()}function M(e,t,n){var s,a,o,r={},l=arguments.length;for(o in t)o=="key"?s=t[o]:o=="ref"&&typeof e!="function"?a=t[o]:r[o]=t[o];return l>2&&(r.children=l>3?He.call(arguments,2):n),le(e,r,s,a,null)}function le(e,t,n,s,a){var o={type:e,props:t,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:re,__v:a||++$t,__i:-1,__u:0};return!a&&C.vnode&&C.vnode(o),o}function ke(e){return e.children}function me(e,t){this.props=e,this.context=t,this.__g=0}function X(e,t){if(t==null)return e.__&&X(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!="function"||e.props.__P?null:X(e)}function On(e){var t,n=e.__v,s=n.__e,a=[],o=[],r=e.__P;r&&((t=ee({constructor:re},n)).__v=n.__v+1,C.vnode&&C.vnode(t),Ge(r,t,n,e.__n,r.namespaceURI,32&n.__u?[s]:null,a,s||X(n),32&n.__u,o),t.__v=n.__v,t.__.__k[t.__i]=t,yt(a,t,o),n.__=n.__e=null,t.__e!=s&&_t(t))}function _t(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),_t(e)}function ut(e){(8&e.__g||(e.__g|=8,V.push(e),ge++))&&qe==C.debounceRendering||((qe=C.debounceRendering)||queueMicrotask)(mt)}function mt(){try{for(var e,t=1;V.length;)V.length>t&&V.sort(ft),e=V.shift(),t=V.length,8&e.__g&&On(e)}finally{(ge=V.length)&&(qe||queueMicrotask)(mt)}}function bt(e,t,n,s,a,o,r,l,i,c,d){var u,$,p,b,h,m,v=s.__k||ye,f=t.length;for(i=Pn(n,t,v,i,f),u=0;u<f;u++)(p=n.__k[u])!=null&&($=~p.__i&&v[p.__i]||ve,p.__i=u,m=Ge(e,p,$,a,o,r,l,i,c,d),b=p.__e,($.ref!=p.ref||8&$.__u)&&($.ref&&We($.ref,null,p,$),p.ref&&d.push(p.ref,p.__c||b,p)),h=h||b,4&p.__u?(i=gt(p,i,e,!$.__v),$.__e&&($.__e=null)):typeof p.type=="function"&&m!==void 0?i=m:b&&(i=b.nextSibling),p.__u&=-21);return n.__e=h,i}function Pn(e,t,n,s,a){var o,r,l,i,c,d,u,$,p,b=n.length,h=b,m=0,v=0,f=e.__k=Array(a);for(o=0;o<a;o++)(r=t[o])!=null&&typeof r!="boolean"&&typeof r!="function"?(typeof r!="object"||r.constructor===String?r=f[o]=le(null,r):Ue(r)?r=f[o]=le(ke,{children:r}):r.constructor===re&&r.__b?r=f[o]=le(r.type,r.props,r.key,r.ref,r.__v):f[o]=r,i=o+m,r.__=e,r.__b=e.__b+1,l=null,~(c=r.__i=jn(r,n,i,h))&&(h--,(l=n[c])&&(l.__u|=2)),l&&l.__v?(r.__u|=16,c==i-1?m--:c==i+1?m++:c!=i&&(c>i?m--:m++,v=1)):(~c||(a>b?m--:a<b&&m++),typeof r.type!="function"&&(r.__u|=4))):f[o]=null;if(v){for(d=[],u=[],o=0;o<a;o++)if((r=f[o])&&16&r.__u){for(m=0,$=d.length;m<$;)d[p=m+$>>1]<r.__i?m=p+1:$=p;d[m]=r.__i,u[o]=m+1}for(m=d.length;o--;)u[o]&&(u[o]==m?m--:f[o].__u|=4)}if(h)for(o=0;o<b;o++)!(l=n[o])||2&l.__u||(l.__e==s&&(s=X(l)),Je(l,l));return s}function gt(e,t,n,s){var a,o,r,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(a=e.__k)for(o=0;o<a.length;o++)a[o]&&(a[o].__=e,t=gt(a[o],t,n,!1));return t}for(t&&!t.parentNode&&(t=X(e))&&!t.parentNode&&(t=null),r=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(r!=l&&(!s&&n.moveBefore&&r.parentNode?n.moveBefore(r,t):n.insertBefore(r,t||null)),t=r;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function jn(e,t,n,s){var a,o=e.key,r=e.type,l=t[n],i=l&&!(2&l.__u);if(l===null&&o==null||i&&o==l.key&&r==l.type)return n;if(s>(i?1:0)){for(a=n-1;a>=0;a--)if((l=t[a])&&!(2&l.__u)&&o==l.key&&r==l.type)return a;for(a=n+1;a<t.length;a++)if((l=t[a])&&!(2&l.__u)&&o==l.key&&r==l.type)return a}return-1}function pt(e,t,n){n==null&&(n=""),t[0]=="-"?e.setProperty(t,n):e[t]=n}function he(e,t,n,s,a){var o,r;if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof s=="string"&&(e.style.cssText=s=""),s)for(t in s)n&&t in n||pt(e.style,t);if(n)for(t in n)s&&n[t]==s[t]||pt(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")typeof n!="function"&&(n=null),typeof s!="function"&&(s=null),(e.__e||(e.__e={}))[t]=n,n&&s||(r=Fe[t]||(Fe[t]=Nn(t)),(e.__a||(e.__a={}))[t]=ze,o=t!=(t=t.replace(ht,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),n?e.addEventListener(t,r,o):e.removeEventListener(t,r,o));else{if(a=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n)}}function Nn(e){return function(t){var n=this.__e;if(n){if(n=n[e],t[_e]==null)t[_e]=ze++;else if(t[_e]<this.__a[e])return;return n(C.event?C.event(t):t)}}}function Ge(e,t,n,s,a,o,r,l,i,c){var d,u,$,p,b,h,m,v,f,_,y,L,q,T,U,fe,K,Z,J=t.type;if(t.constructor!==re)return null;128&n.__u&&(i=32&n.__u,d=n.__c.__z)&&(t.__u|=i,u=o=[],d.nodeType==8?l=be(d,o):o.push(d),l=o[0]||l),(d=C.__b)&&d(t);e:if(typeof J=="function"){$=r.length;try{if(v=t.props,f=(d=J.prototype)&&d.render,_=(d=J.contextType)&&s[d.__c],y=d?_?_.props.value:d.__:s,(p=n.__c)?(t.__c=p,2&p.__g&&(p.__g|=1)):(f?t.__c=p=new J(v,y):(t.__c=p=new me(v,y),p.constructor=J,p.render=Dn),_&&_.sub(p),p.state||(p.state={}),p.__n=s,p.__g|=8,p.__h=[],p.__k=[]),f&&(p.__s||(p.__s=p.state),J.getDerivedStateFromProps&&(p.__s==p.state&&(p.__s=ee({},p.__s)),ee(p.__s,J.getDerivedStateFromProps(v,p.__s)))),b=p.props,h=p.state,p.__v=t,n.__c){if(v!==b&&f&&!J.getDerivedStateFromProps&&p.componentWillReceiveProps&&p.componentWillReceiveProps(v,y),t.__v==n.__v&&!(8&p.__g)||!(4&p.__g)&&p.shouldComponentUpdate&&p.shouldComponentUpdate(v,p.__s,y)===!1){t.__v!=n.__v&&(p.props=v,p.state=p.__s,p.__g&=-9),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(H){H&&(H.__=t)}),ye.push.apply(p.__h,p.__k),p.__k=[],p.__h.length&&r.push(p),l=X(n);break e}p.componentWillUpdate&&p.componentWillUpdate(v,p.__s,y),f&&p.componentDidUpdate&&p.__h.push(function(){p.componentDidUpdate(b,h,m)})}else f&&!J.getDerivedStateFromProps&&p.componentWillMount&&p.componentWillMount(),f&&p.componentDidMount&&p.__h.push(p.componentDidMount);p.context=y,p.props=v,p.__P=e,p.__g&=-5,L=C.__r,q=f?25:0;do p.__g&=-9,L&&L(t),d=p.render(p.props,p.state=p.__s,p.context);while(8&p.__g&&++q<25);f&&(ye.push.apply(p.__h,p.__k),p.__k=[]),p.state=p.__s,p.getChildContext&&(s=ee({},s,p.getChildContext())),f&&n.__c&&p.getSnapshotBeforeUpdate&&(m=p.getSnapshotBeforeUpdate(b,h)),T=d&&d.type===ke&&d.key==null?d.props.children:d,v.__P&&(d=l,a=(e=v.__P).namespaceURI,i=o=null,n.props&&n.props.__P!=e&&(n.__k.some(function(H){H&&Je(H,H)}),n.__k=null),l=n.__k?X(n,0):null),l=bt(e,Ue(T)?T:[T],t,n,s,a,o,r,l,i,c),v.__P&&(t.__e=null,l=d),t.__u&=-161,u&&u.some(Q),p.__h.length&&r.push(p),1&p.__g&&(p.__g&=-4)}catch(H){if(r.length=$,t.__v=null,i||o)if(H&&H.then){if(t.__u|=128|i,o){for(~(K=o.indexOf(l||void 0))||(K=o.length);(Z=o[K-1])&&Z.nodeType==8;)K--;for(;K<o.length;K++)if(Z=o[K])if(o[K]=null,U){if(Z==fe)break}else{if(Z.nodeType!=8)break;Z.data.startsWith("$s")&&(fe=be(U=Z))}}if(!U){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;U=l}(d=be(U=t.__c.__z||(t.__c.__z=U)))?(t.__e=U,l=d):t.__e=l,l=l&&l.nextSibling}else o&&o.some(Q);else t.__e=n.__e;t.__k||(t.__k=n.__k||[]),H&&H.then||vt(t),C.__e(H,t,n)}}else l=t.__e=Bn(n.__e,t,n,s,a,o,r,i,c,e);return(d=C.diffed)&&d(t),l}function be(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))n++;else if(e.data.startsWith("/$s")&&!--n)return e}t&&t.push(e)}}function vt(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(vt))}function yt(e,t,n){for(var s=0;s<n.length;)We(n[s++],n[s++],n[s++]);C.__c&&C.__c(t,e),e.some(function(a){try{e=a.__h,a.__h=[],e.some(function(o){o.call(a)})}catch(o){C.__e(o,a.__v)}})}function Bn(e,t,n,s,a,o,r,l,i,c){var d,u,$,p,b,h,m,v,f=n.props||ve,_=t.props,y=t.type;if(y=="svg"?a="http://www.w3.org/2000/svg":y=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),o){for(d=0;d<o.length;d++)if((b=o[d])&&(y?b.localName==y:b.nodeType==3)){e=b,o[d]=null;break}}if(!e){if(v=c.ownerDocument||document,!y)return v.createTextNode(_);e=v.createElementNS(a,y,_.is?_:c),l&&(C.__m&&C.__m(t,o),l=!1),o=null}if(y){if(c=y=="template"&&e.content||e,o=y=="textarea"&&_.defaultValue!=null?null:o&&He.call(c.childNodes),!l&&o)for(f={},d=0;d<e.attributes.length;d++)f[(b=e.attributes[d]).name]=b.value;for(d in f)b=f[d],d=="dangerouslySetInnerHTML"?$=b:d=="children"||d in _||d=="value"&&"defaultValue"in _||d=="checked"&&"defaultChecked"in _||he(e,d,null,b,a);for(d in _)b=_[d],d=="children"?p=b:d=="dangerouslySetInnerHTML"?u=b:d=="value"?h=b:d=="checked"?m=b:l&&typeof b!="function"||f[d]===b||he(e,d,b,f[d],a);u?(l||$&&(u.__html==$.__html||u.__html==e.innerHTML)||(e.innerHTML=u.__html),t.__k=[]):($&&(e.textContent=""),(y=="foreignObject"||a=="http://www.w3.org/1998/Math/MathML"&&En.test(y))&&(a="http://www.w3.org/1999/xhtml"),bt(c,Ue(p)?p:[p],t,n,s,a,o,r,o?o[0]:n.__k&&X(n,0),l,i),o&&o.some(Q)),l&&y!="textarea"||(d="value",y=="progress"&&h==null?e.removeAttribute(d):h==null||h===e[d]&&(y!="progress"||h)||he(e,d,h,f[d],a),d="checked",m!=null&&m!=e[d]&&he(e,d,m,f[d],a))}else f===_||l&&e.data==_||(e.data=_);return e}function We(e,t,n,s){try{typeof e=="function"?t?t.__x=e(t)||1:s&&(s=s.__c||s.__e)&&(t=s.__x)&&(s.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(a){C.__e(a,n)}}function Je(e,t,n){var s,a,o,r;if(C.unmount&&C.unmount(e),!(s=e.ref)||s.current&&s.current!=e.__e||We(s,null,t,e),s=e.__c){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(l){C.__e(l,t)}s.__P=s.__n=null}if(s=e.__k)for(r=0;r<s.length;r++)s[r]&&Je(s[r],t,typeof e.type!="function"||n&&!e.props.__P);!n&&(s=e.__c)&&(s=s.__z)&&(a=be(s,o=[]))&&(s==e.__e&&o.some(Q),Q(a),Q(s)),n||Q(e.__e),e.__e=e.__c=e.__=null}function Dn(e,t,n){return this.constructor(e,n)}function Ke(e,t){var n,s,a,o;C.__&&C.__(e,t),t.nodeType==9&&(t=t.documentElement),s=(n=e&&32&e.__u)?null:t.__k,t.__k=le(ke,{children:[e]}),a=[],o=[],Ge(t,t.__k,s||ve,ve,t.namespaceURI,s?null:t.firstChild?He.call(t.childNodes):null,a,s?s.__e:t.firstChild,n,o),yt(a,t.__k,o),t.__k.props.children=null}C={__e:function(e,t,n,s){for(var a,o,r;t=t.__;)if((a=t.__c)&&!(1&a.__g)){a.__g|=4;try{if((r=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(e)),a.componentDidCatch&&(a.componentDidCatch(e,s||{}),r=1),r&&8&a.__g)return void(a.__g|=2)}catch(l){e=l}}throw ge=0,e}},$t=0,Tn=function(e){return e!=null&&e.constructor===re},me.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=ee({},this.state)),typeof e=="function"&&(e=e(ee({},n),this.props)),e&&(ee(n,e),this.__v&&(t&&this.__k.push(t),ut(this)))},me.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),ut(this))},me.prototype.render=ke,V=[],ge=0,ft=function(e,t){return e.__v.__b-t.__v.__b},_e=Symbol(),ht=/(PointerCapture)$|Capture$/i,ze=0,Fe={},Mn=0;var ne,B,Ve,kt,Xe=Object.is,xe=0,Ot=[],Ye=[],j=C,xt=j.__b,wt=j.__r,St=j.diffed,Ct=j.__c,At=j.unmount,Tt=j.__;function we(e,t){j.__h&&j.__h(B,e,xe||t),xe=0;var n=B.__H||(B.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function w(e){return xe=1,Ln(Pt,e)}function Ln(e,t,n){var s=we(ne++,2);if(s.t=e,!s.__c&&(s.__=[n?n(t):Pt(void 0,t),function(o){var r=(s.__N||s.__)[0],l=s.t(r,o);Xe(r,l)||(s.__N=[l,s.__[1]],s.__c.setState({}))}],s.__c=B,!B.__f)){B.__f=!0;var a=B.shouldComponentUpdate;B.shouldComponentUpdate=function(o,r,l){var i=this.__H;if(!i)return!0;var c=!1,d=this.props!=o;if(i.__.some(function($){$.__N&&(c=!0,Xe($.__[0],$.__N[0])||(d=!0))}),a){var u=a.call(this,o,r,l);return c?u||d:u}return!c||d}}return s.__}function R(e,t){var n=we(ne++,3);!j.__s&&Qe(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,B.__H.__h.push(n))}function Y(e,t){var n=we(ne++,4);!j.__s&&Qe(n.__H,t)&&(n.__P=!1,n.__=e,n.u=t,B.__h.push(n))}function F(e){return xe=5,A(function(){return{current:e}},[])}function A(e,t){var n=we(ne++,7);return Qe(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function Rn(){var e;do{for(;e=Ye.shift();)try{ie(e)}catch(n){j.__e(n,{__:(e=e.__P)&&e.__v})}for(;e=Ot.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(ie),t.__h.some(Ze),t.__h=[]}catch(n){t.__h=[],j.__e(n,e.__v)}}}while(Ye.length)}j.__b=function(e){B=null,xt&&xt(e)},j.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Tt&&Tt(e,t)},j.__r=function(e){wt&&wt(e),ne=0;var t=(B=e.__c).__H;t&&(Ve==B?B.__h=[]:(t.__h.some(ie),t.__h.some(Ze),ne=0),t.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),Ve=B},j.diffed=function(e){St&&St(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&Et(Ot.push(t)),t.__H.__.some(function(n){n.u&&(n.__H=n.u)})),Ve=B=null},j.__c=function(e,t){t.some(function(n){try{n.__h.some(ie),n.__h=n.__h.filter(function(s){return!s.__||Ze(s)})}catch(s){n.__h=[function(){throw s}]}}),Ct&&Ct(e,t)},j.unmount=function(e){At&&At(e);var t,n,s=e.__c;s&&s.__H&&(s.__H.__.some(function(a){try{if(a.__P&&a.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}a.__P=n,Et(Ye.push(a))}else ie(a)}catch(o){t=o}}),s.__H=void 0,t&&j.__e(t,s.__v))};var Mt=typeof requestAnimationFrame=="function";function In(e){var t,n=function(){clearTimeout(s),Mt&&cancelAnimationFrame(t),setTimeout(e)},s=setTimeout(n,35);Mt&&(t=requestAnimationFrame(n))}function Et(e){e!=1&&kt==j.requestAnimationFrame||((kt=j.requestAnimationFrame)||In)(Rn)}function ie(e){var t=B,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),B=t}function Ze(e){var t=B;e.__c=e.__(),B=t}function Qe(e,t){return!e||e.length!=t.length||t.some(function(n,s){return!Xe(n,e[s])})}function Pt(e,t){return typeof t=="function"?t(e):t}var Nt=function(e,t,n,s){var a;t[0]=0;for(var o=1;o<t.length;o++){var r=t[o++],l=t[o]?(t[0]|=r?1:2,n[t[o++]]):t[++o];r===3?s[0]=l:r===4?s[1]=Object.assign(s[1]||{},l):r===5?(s[1]=s[1]||{})[t[++o]]=l:r===6?s[1][t[++o]]+=l+"":r?(a=e.apply(l,Nt(e,l,n,["",null])),s.push(a),l[0]?t[0]|=2:(t[o-2]=0,t[o]=a)):s.push(l)}return s},jt=new Map;function E(e){var t=jt.get(this);return t||(t=new Map,jt.set(this,t)),(t=Nt(this,t.get(e)||(t.set(e,t=(function(n){for(var s,a,o=1,r="",l="",i=[0],c=function($){o===1&&($||(r=r.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?i.push(0,$,r):o===3&&($||r)?(i.push(3,$,r),o=2):o===2&&r==="..."&&$?i.push(4,$,0):o===2&&r&&!$?i.push(5,0,!0,r):o>=5&&((r||!$&&o===5)&&(i.push(o,0,r,a),o=6),$&&(i.push(o,$,0,a),o=6)),r=""},d=0;d<n.length;d++){d&&(o===1&&c(),c(d));for(var u=0;u<n[d].length;u++)s=n[d][u],o===1?s==="<"?(c(),i=[i],o=3):r+=s:o===4?r==="--"&&s===">"?(o=1,r=""):r=s+r[0]:l?s===l?l="":r+=s:s==='"'||s==="'"?l=s:s===">"?(c(),o=1):o&&(s==="="?(o=5,a=r,r=""):s==="/"&&(o<5||n[d][u+1]===">")?(c(),o===3&&(i=i[0]),o=i,(i=i[0]).push(2,0,o),o=0):s===" "||s==="	"||s===`
`||s==="\r"?(c(),o=2):r+=s),o===3&&r==="!--"&&(o=4,i=i[0])}return c(),i})(e)),t),arguments,[])).length>1?t:t[0]}var Se=Symbol.for("dspyer-lab.viz"),Ce=Symbol.for("dspyer-lab.viz.pending"),et=3e3;function qn(e){let t=URL.createObjectURL(new Blob([e],{type:"text/javascript"}));return import(t).finally(()=>URL.revokeObjectURL(t))}function Fn(){let e={askedAt:-1/0,asked:new WeakSet,settled:!1};return e.promise=new Promise((t,n)=>{e.resolve=t,e.reject=n}),e.promise.then(()=>{e.settled=!0},()=>{e.settled=!0,globalThis[Se]===e.promise&&(delete globalThis[Se],delete globalThis[Ce])}),globalThis[Se]=e.promise,globalThis[Ce]=e,e}function zn(e,t){t.asked.add(e),t.askedAt=Date.now();function n(s,a){if(!s||s.type!=="runtime"||(e.off("msg:custom",n),t.settled))return;let o=a&&a[0];if(!o){t.reject(new Error(s.error||"the kernel sent no Graphviz runtime"));return}qn(o).then(r=>r.instance()).then(t.resolve,t.reject)}e.on("msg:custom",n);try{e.send({type:"need-runtime"})}catch{}}function Bt(){let e=globalThis[Ce];return!e||!e.settled}function tt(e){let t=globalThis[Ce];return(!globalThis[Se]||!t)&&(t=Fn()),!t.settled&&!t.asked.has(e)&&Date.now()-t.askedAt>et&&zn(e,t),t.promise}var Un="http://www.w3.org/2000/svg",Hn=["fill","fill-opacity","stroke","stroke-width","stroke-dasharray","stroke-opacity","opacity"],Gn=["font-family","font-size","font-weight","font-style"],Wn=["tabindex","role","aria-label","data-selected","style","class"];function Jn(e,t){let n=e.ownerDocument&&e.ownerDocument.defaultView;if(!n||!e.isConnected)return;let s=[e,...e.querySelectorAll("*")],a=[t,...t.querySelectorAll("*")];for(let o=0;o<s.length&&o<a.length;o++){let r=s[o],l=a[o],i=n.getComputedStyle(r),c=i.display==="none"||i.visibility==="hidden";for(let $ of Wn)l.removeAttribute($);if(c){l.setAttribute("display","none");continue}let d=r.localName;if(["ellipse","polygon","path","polyline","rect","circle","line","text"].includes(d))for(let $ of Hn)l.setAttribute($,i.getPropertyValue($));if(d==="text")for(let $ of Gn)l.setAttribute($,i.getPropertyValue($))}}function Kn(e){let t=e.cloneNode(!0);Jn(e,t),t.setAttribute("xmlns",Un);let n=e.closest&&e.closest(".dspyer-graphview"),s=e.ownerDocument&&e.ownerDocument.defaultView;if(n&&s&&n.isConnected){let a=s.getComputedStyle(n).getPropertyValue("--dl-bg").trim(),o=t.querySelector("g.graph > polygon");a&&o&&o.setAttribute("fill",a)}return new XMLSerializer().serializeToString(t)}var Dt=new WeakMap,Vn=60;function Ae(e,t,n=0){if(!t)return;if(!t.isConnected){n<Vn&&requestAnimationFrame(()=>Ae(e,t,n+1));return}let s=Kn(t);Dt.get(e)!==s&&(Dt.set(e,s),e.send({type:"snapshot",svg:s}))}function Te(e,t,n={_picture:"_open_picture",_panel:"_open_panel"}){let s=new Map,a=r=>{let l=/^change:(.*)$/.exec(r);return l?`change:${n[l[1]]??l[1]}`:r},o=(r,l)=>r!=="msg:custom"?l:(s.has(l)||s.set(l,(i,c)=>{i&&(i.to===t||i.type==="runtime")&&l(i,c)}),s.get(l));return{get:r=>r==="_still"?"":e.get(n[r]??r),on:(r,l)=>e.on(a(r),o(r,l)),off:(r,l)=>e.off(a(r),o(r,l)),send:(r,...l)=>e.send(r&&r.type==="need-runtime"?r:{...r,to:t},...l)}}var O=E.bind(M);function Lt(e){let t={};for(let n of e||[])n.widget==="checkbox"?t[n.name]=!!n.default:n.default!==void 0&&(t[n.name]=n.default);return t}function Rt({f:e,value:t,set:n,wrong:s,disabled:a}){let o={id:void 0,"aria-invalid":s?"true":"false",disabled:a,name:e.name},r=typeof t=="string"?t:"",l=i=>n(i.currentTarget.value);switch(e.widget){case"checkbox":return O`<input type="checkbox" class="dl-answer-input" ...${o} checked=${!!t}
        onChange=${i=>n(i.currentTarget.checked)} />`;case"number":case"integer":return O`<input type="number" class="dl-answer-input" ...${o} value=${r}
        step=${e.widget==="integer"?"1":"any"} min=${e.min??void 0} max=${e.max??void 0}
        onInput=${l} />`;case"select":return O`<select class="dl-answer-input" ...${o} value=${r} onChange=${l}>
        ${!e.required||t===void 0?O`<option value="">—</option>`:null}
        ${e.options.map(i=>O`<option value=${i.value}>${i.label}</option>`)}
      </select>`;case"radio":return O`<span class="dl-answer-radios" role="radiogroup">${e.options.map(i=>O`<label class="dl-answer-radio">
        <input type="radio" ...${o} value=${i.value} checked=${r===i.value} onChange=${l} />${i.label}</label>`)}</span>`;case"textarea":case"json":return O`<textarea class="dl-answer-input" ...${o} spellcheck=${e.widget==="json"?"false":"true"}
        data-json=${e.widget==="json"?"true":void 0}
        rows=${Math.min(12,Math.max(3,r.split(`
`).length))} value=${r} onInput=${l}></textarea>`;default:return O`<input type=${e.widget==="password"?"password":"text"} class="dl-answer-input" ...${o}
        autocomplete="off" value=${r} onInput=${l} />`}}function Xn({ask:e,send:t,enabled:n}){let[s,a]=w(()=>Lt(e.fields)),[o,r]=w("");Y(()=>{a(Lt(e.fields)),r("")},[e.id]);let l=e.errors||{},i=!e.fields,c=d=>{d.preventDefault(),n&&t(i?{id:e.id,json:o}:{id:e.id,values:s})};return O`<div class="dl-ask" data-ask=${e.id} data-kind=${e.kind} data-node=${e.node}>
    <div class="dl-ask-head">${e.kind==="human"?"asks you":"asks"} · ${e.node}${e.task?` (${e.task})`:""}</div>
    <div class="dl-ask-body">
      <div class="dl-ask-main">
        <div class="dl-ask-question">${e.question}</div>
        <form class="dl-answer" onSubmit=${c} novalidate>
          ${l[""]!==void 0&&!i&&O`<div class="dl-answer-error" role="alert">${l[""]}</div>`}
          ${i?O`<div class="dl-answer-field" data-field="" data-widget="json"
              data-invalid=${l[""]!==void 0?"true":void 0}>
              <label class="dl-answer-label">answer (JSON: "text", 42, true, {"key": …})</label>
              <${Rt} f=${{name:"",widget:"json"}} value=${o} set=${r} wrong=${l[""]!==void 0}
                disabled=${!n} />
              ${l[""]!==void 0&&O`<div class="dl-answer-error" role="alert">${l[""]}</div>`}
            </div>`:e.fields.map(d=>O`<div class="dl-answer-field" data-field=${d.name} data-widget=${d.widget}
              data-invalid=${l[d.name]!==void 0?"true":void 0}>
              <label class="dl-answer-label" title=${d.description}>${d.label}${d.required?O`<span
                class="dl-answer-required" aria-hidden="true"> *</span>`:null}</label>
              <${Rt} f=${d} value=${s[d.name]} wrong=${l[d.name]!==void 0} disabled=${!n}
                set=${u=>a({...s,[d.name]:u})} />
              ${d.description&&O`<div class="dl-answer-hint">${d.description}</div>`}
              ${l[d.name]!==void 0&&O`<div class="dl-answer-error" role="alert">${l[d.name]}</div>`}
            </div>`)}
          <div class="dl-answer-actions">
            <button type="submit" class="dl-answer-submit" disabled=${!n}>Submit answer</button>
            ${e.yes_no&&O`<button type="button" class="dl-answer-yes" disabled=${!n}
                onClick=${()=>t({id:e.id,json:"true"})}>Approve</button>
              <button type="button" class="dl-answer-no" disabled=${!n}
                onClick=${()=>t({id:e.id,json:"false"})}>Reject</button>`}
          </div>
        </form>
      </div>
      ${e.inputs&&e.inputs.length>0&&O`<dl class="dl-ask-inputs" aria-label="inputs">
        ${e.inputs.map(d=>O`<dt>${d.name}</dt><dd>${d.text}</dd>`)}
      </dl>`}
    </div>
  </div>`}function Me({asks:e,send:t,enabled:n}){return O`<div class="dl-asks">${e.map(s=>O`<${Xn} key=${s.id} ask=${s} send=${t} enabled=${n} />`)}</div>`}var I=E.bind(M),It={index:"#",summary:"inputs",status:"status",score:"score",attempts:"attempts",duration:"duration",error_type:"error"},Yn={all:"all examples",failures:"failures only",failed:"failed",rate_limited:"rate-limited",cancelled:"cancelled",running:"running",waiting:"waiting for an answer",finished:"finished"},Zn={failure_rate:"share of visits (each shade 20%)",retry_rate:"share of visits (each shade 20%)",visits:"relative to the busiest node",p50:"relative to the slowest node",p95:"relative to the slowest node"};function Qn({model:e,panel:t}){let n=t.progress||{},s=t.stop||{},a=n.total||0,o=l=>`${a?100*l/a:0}%`,r=(n.done||0)-(n.failed||0)-(n.rate_limited||0);return I`<div class="dl-toolbar dl-batch-progress"><div class="dl-toolbar-line">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>e.send({type:"stop"})}>■ Stop</button>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${a} aria-valuenow=${n.done||0}
      data-done=${n.done||0} data-total=${a}>
      <span class="dl-bar-ok" style=${{width:o(r)}}></span>
      <span class="dl-bar-failed" style=${{width:o((n.failed||0)+(n.rate_limited||0))}}></span>
    </div>
    <span class="dl-status" title=${[n.text,t.store].filter(Boolean).join(`
`)}
      data-stored=${t.store||void 0}>${n.text||""}</span>
    ${t.where?I`<span class="dl-where" title="where the batch's runs execute">${t.where}</span>`:null}
  </div></div>`}function es({measure:e,label:t}){return I`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">${t}: ${Zn[e]||""}</span>
    ${[0,1,2,3,4,5].map(n=>I`<span class="dl-key" data-heat=${n}>
      <span class="dl-swatch"></span>${n===0?"none":""}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>edge width: times taken</span>
  </div>`}function ts({panel:e,measure:t}){let n=e.nodes||[];if(!n.length)return null;let s=["visits","retry_rate","failure_rate","model_retries","p50","p95"],a={visits:"visits",retry_rate:"retry rate",failure_rate:"failure rate",model_retries:"model retries",p50:"p50",p95:"p95"};return I`<div class="dl-scroll"><table class="dl-table dl-nodes">
    <thead><tr><th>node</th>${s.map(o=>I`<th data-measure=${o}
      data-chosen=${o===t?"true":void 0}>${a[o]}</th>`)}</tr></thead>
    <tbody>${n.map(o=>I`<tr data-node=${o.node}><th scope="row">${o.node}</th>
      ${s.map(r=>I`<td data-measure=${r} data-chosen=${r===t?"true":void 0}>${o[r]}</td>`)}
    </tr>`)}</tbody>
  </table></div>`}function ns(e,t){return String(t==="index"?e.index:e[t]??"")}function ss({model:e,panel:t}){let n=t.examples;if(!n)return null;let s=n.query||{},a=l=>e.send({type:"table",...l}),o=l=>a({sort:l,descending:s.sort===l?!s.descending:!1}),r=l=>l.kept&&e.send({type:"open",index:l.index});return I`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-filter" value=${s.filter} onChange=${l=>a({filter:l.currentTarget.value})}>
          ${(n.filters||[]).map(l=>I`<option value=${l}>${Yn[l]||l}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(s.page>0)} onClick=${()=>a({page:s.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(s.page+1<n.pages)}
        onClick=${()=>a({page:s.page+1})}>next ▶</button>
      <span class="dl-position">${n.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr>${n.columns.map(l=>I`<th data-col=${l}
        aria-sort=${s.sort===l?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${It[l]||l}`} onClick=${()=>o(l)}>
          ${It[l]||l}${s.sort===l?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>I`<tr class="dl-example" data-index=${l.index} data-status=${l.status}
        data-kept=${l.kept?"true":"false"} data-open=${l.open?"true":void 0}
        tabindex=${l.kept?"0":void 0} role=${l.kept?"button":void 0}
        title=${l.kept?`open example ${l.index}${l.error?`: ${l.error}`:""}`:"events not kept (not sampled)"}
        onClick=${()=>r(l)} onKeyDown=${i=>i.key==="Enter"&&r(l)}>
        ${n.columns.map(i=>I`<td data-col=${i}>${ns(l,i)}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function as({model:e,review:t}){return!t||!t.count?null:I`<div class="dl-review" aria-label="review queue">
    <div class="dl-review-title">Waiting for an answer: ${t.count} example(s), oldest first${t.rows.length<t.count?` (the first ${t.rows.length} shown)`:""}</div>
    ${t.rows.map(n=>I`<div class="dl-review-row" key=${n.index} data-index=${n.index}>
      <div class="dl-review-head"><span class="dl-title">Example ${n.index}</span>
        <span class="dl-review-since">${n.since}</span>
        <span class="dl-review-summary" title=${n.summary}>${n.summary}</span></div>
      <${Me} asks=${n.asks} enabled=${!0}
        send=${s=>e.send({type:"answer",index:n.index,...s})} />
    </div>`)}
  </div>`}function os({model:e,panel:t,Lab:n,example:s}){return t.opened===null||t.opened===void 0||!e.get("_open_panel")?null:I`<div class="dl-opened" data-index=${t.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">Example ${t.opened}</span>
      <button class="dl-close" onClick=${()=>e.send({type:"close-example"})}>✕ close</button>
    </div>
    <${n} key=${t.opened} model=${s} />
  </div>`}function qt({model:e,views:t,useTrait:n}){let{GraphPane:s,Lab:a}=t,o=n(e,"_layout")||{},r=n(e,"_picture")||{},l=n(e,"_panel")||"{}";n(e,"_open_panel");let i=A(()=>JSON.parse(l),[l]),c=A(()=>Te(e,"example"),[e]),d=i.measures||[],[u,$]=w("failure_rate"),p=(d.find(h=>h.id===u)||{}).label||u,b=A(()=>({...r,heat:{...r.heat||{},measure:u}}),[r,u]);return I`<div class="dspyer-batch" data-run-state=${i.state||"idle"} data-measure=${u}>
    <${Qn} model=${e} panel=${i} />
    <div class="dl-body">
      <div class="dl-main">
        <label class="dl-pick">colour nodes by
          <select class="dl-measure" value=${u} onChange=${h=>$(h.currentTarget.value)}>
            ${d.map(h=>I`<option value=${h.id}>${h.label}</option>`)}
          </select></label>
        <${s} model=${e} layout=${o} picture=${b}
          legend=${I`<${es} measure=${u} label=${p} />`} />
        <${ts} panel=${i} measure=${u} />
      </div>
      <div class="dl-side"><${ss} model=${e} panel=${i} /></div>
    </div>
    <${as} model=${e} review=${i.review} />
    <${os} model=${e} panel=${i} Lab=${a} example=${c} />
  </div>`}var k=E.bind(M),Ee={changed:"changed",same:"same","only-a":"only in A","only-b":"only in B",none:"not run"},ls={all:"all examples",fixed:"fixed",broken:"broken",same:"same",changed:"changed"},rs=["fixed","broken","same","changed"];function Ft(e,t){let n=e.querySelector(":scope > title");n||(n=document.createElementNS("http://www.w3.org/2000/svg","title"),e.prepend(n)),n.textContent!==t&&(n.textContent=t)}function de(e,t,n){n==null?e.hasAttribute(t)&&e.removeAttribute(t):e.getAttribute(t)!==String(n)&&e.setAttribute(t,String(n))}function zt(e,t,n){if(!e)return;let s=t&&t.nodes?t:null,a=t&&t.heat||null;for(let r of e.querySelectorAll("g.node[data-node]")){let l=r.getAttribute("data-node");if(s){let i=s.nodes[l]||"none";de(r,"data-diff",i),de(r,"data-diverge",s.diverge===l?"true":null),Ft(r,`${l}: ${Ee[i]||i}${s.diverge===l?" (the paths part here)":""}`)}else if(a){let i=a[l],c=i&&i.levels&&i.levels[n]||0;de(r,"data-delta",c>0?"worse":c<0?"better":"none"),de(r,"data-delta-level",Math.abs(c)),Ft(r,i?i.title:`${l}: not run`)}}let o=s&&s.edges||{};for(let r of e.querySelectorAll("g.edge[data-edge]"))de(r,"data-side",s&&o[r.getAttribute("data-edge")]||null)}function Ht({model:e,GraphPane:t,layout:n,picture:s,measure:a,legend:o}){let r=F(null),l=s.compare;return R(()=>{let i=r.current;zt(i,l,a);let c=new MutationObserver(()=>zt(i,l,a));return c.observe(i,{childList:!0,subtree:!0}),()=>c.disconnect()},[l,a]),k`<div class="dl-compare-graph" ref=${r}>
    <${t} model=${e} layout=${n} picture=${s} legend=${o} />
  </div>`}function Pe({ops:e,keep:t}){return e.filter(([n])=>n==="="||n===t).map(([n,s])=>n==="="?s:n==="-"?k`<del class="dl-del">${s}</del>`:k`<ins class="dl-ins">${s}</ins>`)}function Oe({row:e,side:t}){let n=t==="a"?"dl-a":"dl-b";return e.changed&&e.diff&&e.diff.length?k`<td class=${n}><pre class="dl-value"><${Pe} ops=${e.diff} keep=${t==="a"?"-":"+"} /></pre></td>`:k`<td class=${n}><pre class="dl-value">${e[t]}</pre></td>`}function Ut(e){if(!e)return"not run";let t=[e.status,e.duration,`${e.attempts??0} attempt(s)`,`${e.tokens} tokens`];return e.calls&&t.push(`${e.calls} call(s)${e.models.length?` (${e.models.join(", ")})`:""}`),t.filter(Boolean).join(" · ")}function is({detail:e}){return e?k`<div class="dl-detail" data-node=${e.node} data-diff=${e.diff}>
    <div class="dl-title">${e.node}: ${Ee[e.diff]||e.diff}
      ${e.changed.length?` (${e.changed.join(", ")})`:""}</div>
    ${e.visits.map(t=>k`<div class="dl-scroll"><table class="dl-table dl-fields" data-visit=${t.visit}>
      <thead><tr><th>visit ${t.visit}</th><th class="dl-a">A: ${Ut(t.a)}</th>
        <th class="dl-b">B: ${Ut(t.b)}</th></tr></thead>
      <tbody>${t.fields.map(n=>k`<tr data-field=${n.field} data-changed=${n.changed?"true":"false"}>
        <th scope="row">${n.field}</th><${Oe} row=${n} side="a" /><${Oe} row=${n} side="b" /></tr>`)}
      </tbody></table></div>`)}
    ${e.more&&k`<p class="dl-hint dl-more">${e.more}</p>`}
  </div>`:k`<p class="dl-hint">Click a node (on the graph or in the list) to see its two runs side by side.</p>`}function ds({model:e,data:t,send:n,GraphPane:s}){let a=t.summary||{},o=t.path&&t.path.diverge,r=k`<div class="dl-legend" aria-label="legend">
    ${["changed","same","only-a","only-b"].map(l=>k`<span class="dl-key" data-diff=${l}>
      <span class="dl-swatch"></span>${Ee[l]}</span>`)}
    <span class="dl-key" data-side="a"><span class="dl-line"></span>A's path</span>
    <span class="dl-key" data-side="b"><span class="dl-line"></span>B's path</span>
    <span class="dl-key" data-side="both"><span class="dl-line"></span>both</span>
  </div>`;return k`<div class="dl-body">
    <div class="dl-main">
      <${Ht} model=${e} GraphPane=${s} layout=${t.layout||{}}
        picture=${t.picture||{}} legend=${r} />
      <p class="dl-path-line" data-diverge=${o?"true":"false"}>${o?`The paths part at step ${o.step+1}${o.after?`, after ${o.after}`:""}: A → ${o.a||"end"}, B → ${o.b||"end"}`:"Both runs took the same path."}</p>
      <div class="dl-scroll"><table class="dl-table dl-summary">
        <thead><tr><th></th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
        <tbody>
          <tr><th scope="row">status</th><td class="dl-a">${a.a.status}</td><td class="dl-b">${a.b.status}</td></tr>
          <tr><th scope="row">duration</th><td class="dl-a">${a.a.duration}</td><td class="dl-b">${a.b.duration}</td></tr>
          <tr><th scope="row">tokens</th><td class="dl-a">${String(a.a.tokens)}</td><td class="dl-b">${String(a.b.tokens)}</td></tr>
          <tr data-field="output" data-changed=${a.output_changed?"true":"false"}><th scope="row">output</th>
            <${Oe} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="a" />
            <${Oe} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="b" /></tr>
        </tbody></table></div>
    </div>
    <div class="dl-side">
      <div class="dl-node-list">${(t.nodes||[]).map(l=>k`<button class="dl-node" data-node=${l.node}
        data-diff=${l.diff} aria-pressed=${t.selected===l.node?"true":"false"}
        onClick=${()=>n({type:"select",node:t.selected===l.node?"":l.node})}>
        ${l.node}: ${Ee[l.diff]||l.diff}${l.changed.length?` (${l.changed.join(", ")})`:""}</button>`)}
      </div>
      <${is} detail=${t.detail} />
    </div>
  </div>`}function cs({examples:e,send:t}){let n=a=>t({type:"table",...a}),s=a=>a.openable&&t({type:"open",index:a.index});return k`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-outcome-filter" value=${e.filter}
          onChange=${a=>n({filter:a.currentTarget.value})}>
          ${e.filters.map(a=>k`<option value=${a}>${ls[a]||a}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(e.page>0)} onClick=${()=>n({page:e.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(e.page+1<e.pages)}
        onClick=${()=>n({page:e.page+1})}>next ▶</button>
      <span class="dl-position">${e.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr><th>#</th><th>inputs</th><th>outcome</th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
      <tbody>${e.rows.map(a=>k`<tr class="dl-example" data-index=${a.index} data-outcome=${a.outcome}
        data-openable=${a.openable?"true":"false"} tabindex=${a.openable?"0":void 0}
        role=${a.openable?"button":void 0}
        title=${a.openable?`open example ${a.index}'s two runs`:"runs not kept: only outputs and scores compared"}
        onClick=${()=>s(a)} onKeyDown=${o=>o.key==="Enter"&&s(a)}>
        <td>${String(a.index)}</td><td>${a.summary}</td><td data-col="outcome">${a.outcome}</td>
        <td class="dl-a">${[a.a.status,a.a.score].filter(Boolean).join(" · ")}</td>
        <td class="dl-b">${[a.b.status,a.b.score].filter(Boolean).join(" · ")}</td></tr>`)}
      </tbody></table></div>
  </div>`}function us({model:e,data:t,send:n,GraphPane:s}){let a=t.measures||[],[o,r]=w("failure_rate"),l=(a.find(u=>u.id===o)||{}).label||o,i=k`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">B − A, ${l}:</span>
    ${[-5,-3,-1,0,1,3,5].map(u=>k`<span class="dl-key" data-delta=${u>0?"worse":u<0?"better":"none"}
      data-delta-level=${Math.abs(u)}><span class="dl-swatch"></span>${u===-5?"better":u===0?"same":u===5?"worse":""}</span>`)}
  </div>`,c=t.counts||{},d=t.score||{};return k`<div class="dl-body">
    <div class="dl-main">
      <div class="dl-outcomes">${rs.map(u=>k`<button class="dl-outcome-count" data-outcome=${u}
        ...${{[`data-outcome-count-${u}`]:String(c[u]??0)}}
        onClick=${()=>n({type:"table",filter:u})}>${u} ${String(c[u]??0)}</button>`)}</div>
      <p class="dl-score">${d.measure} B − A: <span class="dl-score-delta">${d.text}</span>${" "}
        <span class="dl-hint">(A ${d.mean_a}, B ${d.mean_b}; passes: finished${d.measure==="score"?` and score ≥ ${t.pass_threshold}`:""})</span></p>
      <label class="dl-pick">colour nodes by the change of
        <select class="dl-measure" value=${o} onChange=${u=>r(u.currentTarget.value)}>
          ${a.map(u=>k`<option value=${u.id}>${u.label}</option>`)}
        </select></label>
      <${Ht} model=${e} GraphPane=${s} layout=${t.layout||{}}
        picture=${t.picture||{}} measure=${o} legend=${i} />
      <div class="dl-scroll"><table class="dl-table dl-nodes">
        <thead><tr><th>node</th>${a.map(u=>k`<th data-measure=${u.id}>${u.label} A → B</th>`)}</tr></thead>
        <tbody>${(t.nodes||[]).map(u=>k`<tr data-node=${u.node}><th scope="row">${u.node}</th>
          ${a.map($=>k`<td data-measure=${$.id}>${u.a[$.id]} → ${u.b[$.id]} (${u.delta[$.id]})</td>`)}
        </tr>`)}</tbody></table></div>
    </div>
    <div class="dl-side">${t.examples&&k`<${cs} examples=${t.examples} send=${n} />`}</div>
  </div>`}function ps(e,t){return{get:n=>n==="_still"?"":e.get(n),on:(...n)=>e.on(...n),off:(...n)=>e.off(...n),send:(n,...s)=>{n&&n.type==="need-runtime"?e.send(n,...s):n&&n.type!=="snapshot"&&t(n)}}}function ce({model:e,data:t,send:n,views:s,embedded:a=!0}){let{GraphPane:o}=s,r=A(()=>a?ps(e,n):e,[e,n,a]);if(!t||!t.mode)return k`<div class="dspyer-compare"></div>`;let l=t.mode==="runs"?ds:us;return k`<div class="dspyer-compare" data-mode=${t.mode}>
    <div class="dl-toolbar dl-compare-head">
      ${t.back&&k`<button class="dl-back" onClick=${()=>n({type:"back"})}>◀ back to the batches</button>`}
      <span class="dl-label dl-a">A: ${t.labels.a}</span>
      <span class="dl-label dl-b">B: ${t.labels.b}</span>
      ${t.note&&k`<span class="dl-note">${t.note}</span>`}
    </div>
    <${l} model=${r} data=${t} send=${n} GraphPane=${o} />
  </div>`}function Gt({model:e,views:t,useTrait:n}){let s=n(e,"_layout")||{},a=n(e,"_picture")||{},o=n(e,"_compare")||"{}",r=A(()=>({...JSON.parse(o),picture:a,layout:s}),[o,a,s]),l=A(()=>i=>e.send(i),[e]);return k`<${ce} model=${e} data=${r} send=${l} views=${t} embedded=${!1} />`}var $s="http://www.w3.org/2000/svg",nt=["idle","running","retrying","done","failed","cancelled"],fs=new Set(nt),hs="__end__",Wt={start:"start",end:"end"},Jt=6,Kt=null;function _s(e){Kt??=document.createElement("canvas");let t=Kt.getContext("2d");return(n,s)=>(t.font=`${s}px ${e}`,t.measureText(n).width)}function ms(e,t){let n=[],s=new Map,a=(o,r)=>{let l=14,i=0,c=0;for(let d of o||[])d.op==="F"?l=d.size:d.op==="T"&&(i=Math.max(i,d.width),c=Math.max(c,t(d.text,l)));c>0&&r(i,c)};for(let o of e.objects||[])a(o._ldraw_,(r,l)=>n.push({id:o.name,est:r,real:l,width:+o.width,shape:o.shape}));for(let o of e.edges||[]){let r=String(o.class||"").split(/\s+/).find(l=>/^e\d+$/.test(l));r&&a(o._ldraw_,(l,i)=>s.set(r,{est:l,real:i}))}return{nodes:n,edges:s}}function bs(e,t){let n=[];for(let a of t){if(a.real+Jt<=a.est||!/^[A-Za-z0-9_]+$/.test(a.id))continue;let o=a.shape==="diamond"?2:1,r=a.width+o*(a.real+Jt-a.est)/72;n.push(`${a.id} [width=${r.toFixed(3)}]`)}if(!n.length)return e;let s=e.lastIndexOf("}");return`${e.slice(0,s)}${n.join(`
`)}
}`}async function Vt(e,t,n){document.fonts&&document.fonts.ready&&await document.fonts.ready;let s=_s(n),a=ms(e.renderJSON(t),s),o=e.renderSVGElement(bs(t,a.nodes));for(let r of o.querySelectorAll("g.edge")){let l=[...r.classList].find(c=>a.edges.has(c)),i=l&&a.edges.get(l);if(!(!i||i.real<=i.est))for(let c of r.querySelectorAll(":scope > text"))c.setAttribute("textLength",String(i.est)),c.setAttribute("lengthAdjust","spacingAndGlyphs")}return o}function W(e){let t=[],n=[];for(let s of e.children){let a=s.localName;if(a==="ellipse"){let o=+s.getAttribute("cx"),r=+s.getAttribute("cy"),l=+s.getAttribute("rx"),i=+s.getAttribute("ry");t.push(o-l,o+l),n.push(r-i,r+i)}else if(a==="polygon"||a==="path"||a==="polyline"){let r=(s.getAttribute(a==="path"?"d":"points")||"").match(/-?\d*\.?\d+(?:e-?\d+)?/gi)||[];for(let l=0;l+1<r.length;l+=2)t.push(+r[l]),n.push(+r[l+1])}}return t.length?{x1:Math.min(...t),y1:Math.min(...n),x2:Math.max(...t),y2:Math.max(...n)}:null}function G(e,t){let n=document.createElementNS($s,e);for(let[s,a]of Object.entries(t))n.setAttribute(s,String(a));return n}function se(e,t){let n=e.querySelector(":scope > title");n||(n=G("title",{}),e.prepend(n)),n.textContent=t}var je=class{constructor(t,n){this.svg=t,this.nodes=new Map,this.edges=new Map,this.notes={calls:new Map,progress:new Map,sends:new Map},this.junctions=new Map,this.joinOuts=new Map,t.setAttribute("class","dl-svg");let s=n.nodes||{},a=n.joins||{};for(let r of t.querySelectorAll("g.node")){let l=r.querySelector(":scope > title")?.textContent??"";if(Object.hasOwn(s,l)){let i=s[l];r.setAttribute("data-node",i),r.setAttribute("tabindex","0"),r.setAttribute("role","button"),se(r,i),this.nodes.set(i,{group:r,badge:this.makeBadge(r)})}else Object.hasOwn(Wt,l)?(r.setAttribute("data-marker",Wt[l]),se(r,l.toUpperCase())):Object.hasOwn(a,l)&&(r.setAttribute("data-join",l),se(r,a[l]))}let o=new Map((n.edges||[]).map(r=>[r.id,r]));for(let r of t.querySelectorAll("g.edge.dl-join-out")){let l=[...r.classList].find(i=>Object.hasOwn(a,i));l&&this.joinOuts.set(l,r)}for(let r of t.querySelectorAll("g.edge")){let l=[...r.classList].map(d=>o.get(d)).find(Boolean);if(!l)continue;r.setAttribute("data-edge",l.id),r.setAttribute("data-source",l.source),r.setAttribute("data-target",l.target),l.key!==null&&l.key!==void 0&&r.setAttribute("data-decision",l.key);let i=l.target===hs?"END":l.target,c=l.key==null?`${l.source} → ${i}`:`${l.source} → ${i} [${l.key}]`;l.join&&r.setAttribute("data-join","true"),l.junction&&this.junctions.set(l.id,l.junction),se(r,l.join?`${c}: ${l.join}`:c),this.edges.set(l.id,r)}}nodeGroups(){return[...this.nodes].map(([t,n])=>[t,n.group])}makeBadge(t){let n=W(t);if(!n)return null;let s=G("g",{class:"dl-badge",transform:`translate(${n.x2} ${n.y1})`});s.style.display="none";let a=G("rect",{x:-10,y:-8,width:20,height:16,rx:8,ry:8}),o=G("text",{x:0,y:3.5,"text-anchor":"middle","font-size":10});return s.append(a,o),t.appendChild(s),{badge:s,rect:a,text:o}}apply(t){let n=t.status||{},s=t.visits||{},a=t.selected||"";for(let[l,i]of this.nodes){let c=fs.has(n[l])?n[l]:"idle",d=Number.isFinite(s[l])?s[l]:0,u=i.group;u.getAttribute("data-status")!==c&&u.setAttribute("data-status",c),u.setAttribute("data-visits",String(d)),u.setAttribute("aria-label",d>1?`${l}: ${c}, ${d} visits`:`${l}: ${c}`),l===a?u.setAttribute("data-selected","true"):u.removeAttribute("data-selected"),this.setBadge(i,d)}let o=t.path||{};for(let[l,i]of this.edges){let c=Number.isFinite(o[l])?o[l]:0;c>0?(i.setAttribute("data-path","true"),i.setAttribute("data-times",String(c))):(i.removeAttribute("data-path"),i.removeAttribute("data-times")),l===t.last?i.setAttribute("data-taken","true"):i.removeAttribute("data-taken")}let r=new Set([...this.junctions].filter(([l])=>o[l]>0).map(([,l])=>l));for(let[l,i]of this.joinOuts)r.has(l)?i.setAttribute("data-path","true"):i.removeAttribute("data-path");t.heat&&this.applyHeat(t.heat)}applyHeat(t){let n=t.nodes||{};for(let[a,o]of this.nodes){let r=n[a],l=r&&r.levels?r.levels[t.measure]:void 0;o.group.setAttribute("data-heat",String(Number.isFinite(l)?l:0)),se(o.group,r?r.title:`${a}: not run`)}let s=t.edges||{};for(let[a,o]of this.edges){let r=s[a];r?(o.setAttribute("data-count",String(r.count)),o.setAttribute("data-weight",String(r.weight))):(o.removeAttribute("data-count"),o.removeAttribute("data-weight"));let i=(o.querySelector(":scope > title")?.textContent||"").replace(/: taken \d+ times?$/,"");se(o,r?`${i}: taken ${r.count} time${r.count===1?"":"s"}`:i)}}setBadge(t,n){if(!t.badge)return;let{badge:s,rect:a,text:o}=t.badge;if(n>1){let r=`×${n}`;if(o.textContent!==r){o.textContent=r;let l=Math.max(20,6.2*r.length+8);a.setAttribute("x",String(-l/2)),a.setAttribute("width",String(l))}s.style.display=""}else s.style.display="none"}};var D=E.bind(M),N={w:420,h:150,left:34,right:10,top:10,bottom:24};function Ne(e,t,n){n==null?e.hasAttribute(t)&&e.removeAttribute(t):e.getAttribute(t)!==String(n)&&e.setAttribute(t,String(n))}function Xt(e,t){if(e)for(let n of e.querySelectorAll("g.node[data-node]")){let s=t[n.getAttribute("data-node")],a=n.querySelector(":scope > g.dl-opt-badge");if(!s){a&&a.remove();for(let l of["data-opt-demos","data-opt-candidates","data-opt-in-best"])Ne(n,l,null);continue}if(Ne(n,"data-opt-demos",s.demos),Ne(n,"data-opt-candidates",s.candidates),Ne(n,"data-opt-in-best",s.in_best),!a){let l=W(n);if(!l)continue;a=G("g",{class:"dl-opt-badge",transform:`translate(${(l.x1+l.x2)/2} ${l.y2+11})`}),a.append(G("title",{}),G("text",{"text-anchor":"middle","font-size":9})),n.appendChild(a)}let[o,r]=a.children;r.textContent!==s.text&&(r.textContent=s.text),o.textContent!==s.title&&(o.textContent=s.title)}}function gs({model:e,GraphPane:t,layout:n,picture:s}){let a=F(null),o=s.optimize&&s.optimize.nodes||{};R(()=>{let l=a.current;Xt(l,o);let i=new MutationObserver(()=>Xt(l,o));return i.observe(l,{childList:!0,subtree:!0}),()=>i.disconnect()},[o]);let r=D`<div class="dl-legend" aria-label="legend"><span class="dl-key">under each node: demos in
    the best program · its instruction (1 = the original) / instruction candidates seen</span></div>`;return D`<div class="dl-opt-graph" ref=${a}>
    <${t} model=${e} layout=${n} picture=${s} legend=${r} />
  </div>`}function vs({trials:e,line:t}){let n=e.filter(c=>c.score!==null&&c.score!==void 0),s=Math.max(1,...e.map(c=>c.n)),a=Math.max(100,...n.map(c=>c.score)),o=Math.min(0,...n.map(c=>c.score)),r=c=>N.left+(N.w-N.left-N.right)*(s===1?.5:(c-1)/(s-1)),l=c=>N.top+(N.h-N.top-N.bottom)*(1-(c-o)/(a-o||1)),i=[o,(o+a)/2,a];return D`<svg class="dl-score-plot" viewBox=${`0 0 ${N.w} ${N.h}`} width=${N.w} height=${N.h}
    role="img" aria-label=${`score per trial: ${n.length} trial(s) scored`} data-trials=${e.length}>
    ${i.map(c=>D`<g class="dl-tick"><line x1=${N.left} x2=${N.w-N.right} y1=${l(c)} y2=${l(c)} />
      <text x=${N.left-4} y=${l(c)+3} text-anchor="end">${String(Math.round(c))}</text></g>`)}
    <text class="dl-axis" x=${(N.w+N.left)/2} y=${N.h-4} text-anchor="middle">trial</text>
    ${t.length>0&&D`<polyline class="dl-best-line" data-best=${String(t[t.length-1][1])}
      points=${t.map(([c,d])=>`${r(c)},${l(d)}`).join(" ")} />`}
    ${e.map(c=>c.score===null||c.score===void 0?D`<text class="dl-trial-missing" x=${r(c.n)} y=${N.h-N.bottom} text-anchor="middle"
          data-trial=${c.n} data-error=${c.error?"true":void 0}>${c.running?"…":"×"}<title>${c.running?`trial ${c.n}: running`:`trial ${c.n}: ${c.error||"no score"}`}</title></text>`:D`<circle class="dl-trial" cx=${r(c.n)} cy=${l(c.score)} r=${c.best?5:3.5} data-trial=${c.n}
          data-score=${c.score} data-on=${c.on} data-best=${c.best?"true":void 0}
          data-failed=${c.failed||void 0} data-error=${c.error?"true":void 0}>
          <title>${`trial ${c.n}: ${c.score.toFixed(1)} on ${c.examples} example(s) (${c.on}${c.kind?`, ${c.kind}`:""})${c.failed?`; ${c.failed} example run(s) failed: ${c.failure}`:""}${c.best?" · the best":""}`}</title>
        </circle>`)}
  </svg>`}function ys({trials:e}){let t=e.filter(n=>n.error||n.failed);return t.length?D`<ul class="dl-trial-problems">${t.map(n=>D`<li class="dl-trial-problem" data-trial=${n.n}>
    ${`trial ${n.n}: `}${n.error?`ended with ${n.error}`:`${n.failed} example run(s) failed, first: ${n.failure}`}</li>`)}
  </ul>`:null}function ks({model:e,panel:t}){let n=t.progress||{},s=t.stop||{},a=n.fraction===null||n.fraction===void 0?null:`${100*n.fraction}%`;return D`<div class="dl-toolbar dl-opt-head">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>e.send({type:"stop"})}>■ Stop</button>
    <span class="dl-opt-name">${t.optimizer}</span>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${n.total??void 0}
      aria-valuenow=${n.done||0} data-done=${n.done||0} data-total=${n.total??""}
      data-indeterminate=${a===null&&t.state==="optimizing"?"true":void 0}>
      <span class="dl-bar-ok" style=${{width:a??(t.state==="optimizing"?"0%":"100%")}}></span>
    </div>
    <span class="dl-status" data-phase=${t.phase}>${t.status}</span>
  </div>`}function xs({nodes:e}){return D`<div class="dl-opt-nodes">${e.map(t=>D`<div class="dl-opt-node" data-node=${t.node}
    data-changed=${t.changed?"true":"false"}>
    <div class="dl-title">${`${t.node}: ${t.changed?"new instructions":"instructions unchanged"} · demos ${t.demos_before} → ${t.demos_after}`}</div>
    <pre class="dl-value">${t.changed?D`<${Pe} ops=${t.diff} keep="-" /><br />→ <${Pe} ops=${t.diff} keep="+" />`:t.instructions}</pre>
    ${t.demos_added.length>0&&D`<ul class="dl-demos-added">${t.demos_added.map(n=>D`<li class="dl-demo-added">${n}</li>`)}${t.more_demos>0&&D`<li>${`… ${t.more_demos} more`}</li>`}</ul>`}
  </div>`)}</div>`}function Yt({model:e,views:t,useTrait:n}){let s=n(e,"_layout")||{},a=n(e,"_picture")||{},o=n(e,"_optimize")||"{}",r=A(()=>JSON.parse(o),[o]),l=A(()=>d=>e.send({...d,to:"compare"}),[e]),i=r.trials||[],c=r.after;return D`<div class="dspyer-compare dspyer-optimize" data-state=${r.state||"idle"} data-phase=${r.phase||""}>
    <${ks} model=${e} panel=${r} />
    ${r.error&&D`<p class="dl-opt-error" role="alert">${r.error}</p>`}
    ${r.note&&D`<p class="dl-opt-note">${r.note}</p>`}
    <div class="dl-body">
      <div class="dl-main">
        <${gs} model=${e} GraphPane=${t.GraphPane} layout=${s} picture=${a} />
      </div>
      <div class="dl-side">
        <${vs} trials=${i} line=${r.best_line||[]} />
        <p class="dl-hint">${`${r.best?`best ${r.best.text} (trial ${r.best.n})`:"no trial scored yet"} · filled: a whole set, hollow: a minibatch`}</p>
        <${ys} trials=${i} />
      </div>
    </div>
    ${c&&D`<div class="dl-opt-after">
      <div class="dl-title">Before (A) and after (B) on the valset</div>
      <${xs} nodes=${c.nodes||[]} />
      <${ce} model=${e} data=${c.compare} send=${l} views=${t} />
    </div>`}
  </div>`}var S=E.bind(M),st={program:"program",started:"started",status:"status",duration:"duration",total_tokens:"tokens",cost:"cost",error:"error",examples:"examples",scores:"scores"};function ws({send:e,table:t}){let n=t.query||{},s=r=>e({type:"table",...r}),a=(r,l)=>l.trim()!==(n[r]||"")&&s({[r]:l.trim()}),o=(r,l,i)=>S`<label class="dl-pick">${i}
    <input class=${l} type="text" size="12" value=${n[r]||""}
      onChange=${c=>a(r,c.currentTarget.value)}
      onKeyDown=${c=>c.key==="Enter"&&a(r,c.currentTarget.value)} /></label>`;return S`<div class="dl-filters">
    <label class="dl-pick">program
      <select class="dl-f-program" value=${n.program||""} onChange=${r=>s({program:r.currentTarget.value})}>
        <option value="">all</option>
        ${(t.programs||[]).map(r=>S`<option value=${r}>${r}</option>`)}
        ${n.program&&!(t.programs||[]).includes(n.program)&&S`<option value=${n.program}>${n.program}</option>`}
      </select></label>
    <label class="dl-pick">status
      <select class="dl-f-status" value=${n.status||""} onChange=${r=>s({status:r.currentTarget.value})}>
        <option value="">all</option>
        ${(t.statuses||[]).map(r=>S`<option value=${r}>${r}</option>`)}
      </select></label>
    ${o("node","dl-f-node","visited node")}
    ${o("text","dl-f-text","error contains")}
    <label class="dl-pick">from
      <input class="dl-f-since" type="date" value=${n.since||""} onChange=${r=>s({since:r.currentTarget.value})} /></label>
    <label class="dl-pick">to
      <input class="dl-f-until" type="date" value=${n.until||""} onChange=${r=>s({until:r.currentTarget.value})} /></label>
  </div>`}function at({page:e,pages:t,position:n,go:s}){return S`<div class="dl-pager">
    <button class="dl-prev" disabled=${!(e>0)} onClick=${()=>s(e-1)}>◀ previous</button>
    <button class="dl-next" disabled=${!(e+1<t)} onClick=${()=>s(e+1)}>next ▶</button>
    <span class="dl-position">${n}</span>
  </div>`}function Zt({send:e,confirm:t}){return t?S`<div class="dl-confirm" role="alertdialog">
    <span class="dl-confirm-text">${t.text}</span>
    <button class="dl-delete-confirm" onClick=${()=>e({type:"delete-confirm"})}>Delete</button>
    ${t.runs?S`<button class="dl-delete-confirm-runs" onClick=${()=>e({type:"delete-confirm",runs:!0})}>
      ${`Delete with their ${t.runs} run${t.runs===1?"":"s"}`}</button>`:null}
    <button class="dl-delete-cancel" onClick=${()=>e({type:"delete-cancel"})}>Cancel</button>
  </div>`:null}function Qt({send:e,panel:t}){return S`<button class="dl-compare" disabled=${!t.can_compare} onClick=${()=>e({type:"compare"})}
    title="check two rows to compare them side by side">Compare</button>`}function en({send:e,id:t,checked:n,label:s}){return S`<td class="dl-check" onClick=${a=>a.stopPropagation()}><input class="dl-check" type="checkbox"
    checked=${n} aria-label=${s}
    onChange=${a=>e({type:"check",id:t,checked:a.currentTarget.checked})} /></td>`}function tn({send:e,panel:t,what:n}){let s=(t.checked||[]).length;return S`<button class="dl-delete" disabled=${!t.can_delete} onClick=${()=>e({type:"delete"})}
    title=${`delete the checked ${n} from the store`}>${`Delete${s?` ${s}`:""}…`}</button>`}function Ss({send:e,panel:t}){let n=t.runs;if(!n)return null;let s=n.query||{},a=new Set(t.checked||[]),o=l=>e({type:"table",sort:l,descending:s.sort===l?!s.descending:l==="started"}),r=l=>e({type:"open",run_id:l.run_id});return S`<div class="dl-runs-list">
    <${ws} send=${e} table=${n} />
    <div class="dl-actions">
      <${at} page=${s.page} pages=${n.pages} position=${n.position}
        go=${l=>e({type:"table",page:l})} />
      <${tn} send=${e} panel=${t} what="runs" />
      <${Qt} send=${e} panel=${t} />
    </div>
    <${Zt} send=${e} confirm=${t.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-runs-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(l=>S`<th data-col=${l}
        aria-sort=${s.sort===l?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${st[l]||l}`} onClick=${()=>o(l)}>
          ${st[l]||l}${s.sort===l?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>S`<tr class="dl-run" key=${l.run_id} data-run-id=${l.run_id} data-status=${l.status}
        data-checked=${a.has(l.run_id)?"true":void 0} data-open=${t.opened===l.run_id?"true":void 0}
        data-parent=${l.parent||void 0} tabindex="0" role="button" title=${`open run ${l.run_id}`}
        onClick=${()=>r(l)} onKeyDown=${i=>i.key==="Enter"&&i.target===i.currentTarget&&r(l)}>
        <${en} send=${e} id=${l.run_id} checked=${a.has(l.run_id)} label=${`select run ${l.run_id}`} />
        ${n.columns.map(i=>S`<td data-col=${i} title=${i==="error"?l.error_full:void 0}>${l[i]??""}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function Cs({send:e,opened:t}){return t?S`<div class="dl-batch-examples" data-batch-id=${t.batch_id}>
    <div class="dl-opened-bar">
      <span class="dl-title">${t.title}</span>
      <button class="dl-close" onClick=${()=>e({type:"open-batch",batch_id:null})}>✕ close</button>
    </div>
    <${at} page=${t.page} pages=${t.pages} position=${t.position}
      go=${n=>e({type:"batch-page",page:n})} />
    <div class="dl-scroll"><table class="dl-table">
      <thead><tr><th>#</th><th>run</th><th>score</th><th>status</th></tr></thead>
      <tbody>${t.rows.map(n=>{let s=()=>n.run_id&&n.status!=="deleted"&&e({type:"open",run_id:n.run_id});return S`<tr class="dl-batch-example" data-index=${n.index} data-run-id=${n.run_id||void 0}
          data-status=${n.status} tabindex="0" role="button" onClick=${s} onKeyDown=${a=>a.key==="Enter"&&s()}>
          <td>${String(n.index)}</td><td>${n.run_id||""}</td><td>${n.score}</td><td>${n.status}</td></tr>`})}</tbody>
    </table></div>
  </div>`:null}function As({send:e,panel:t}){let n=t.batches;if(!n)return null;let s=n.opened,a=new Set(t.checked||[]);return S`<div class="dl-batches-list">
    <div class="dl-actions">
      <${at} page=${n.page} pages=${n.pages} position=${n.position}
        go=${o=>e({type:"batches-page",page:o})} />
      <${tn} send=${e} panel=${t} what="batches" />
      <${Qt} send=${e} panel=${t} />
    </div>
    <${Zt} send=${e} confirm=${t.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-batches-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(o=>S`<th data-col=${o}>${st[o]||o}</th>`)}</tr></thead>
      <tbody>${n.rows.map(o=>{let r=()=>e({type:"open-batch",batch_id:o.batch_id});return S`<tr class="dl-batch" key=${o.batch_id} data-batch-id=${o.batch_id} data-status=${o.status}
          data-open=${s&&s.batch_id===o.batch_id?"true":void 0} tabindex="0" role="button"
          data-checked=${a.has(o.batch_id)?"true":void 0}
          onClick=${r} onKeyDown=${l=>l.key==="Enter"&&l.target===l.currentTarget&&r()}>
          <${en} send=${e} id=${o.batch_id} checked=${a.has(o.batch_id)} label=${`select batch ${o.batch_id}`} />
          ${n.columns.map(l=>S`<td data-col=${l}>${o[l]??""}</td>`)}</tr>`})}</tbody>
    </table></div>
    <${Cs} send=${e} opened=${s} />
  </div>`}function Ts({model:e,panel:t,Lab:n,run:s}){return!t.opened||!e.get("_open_panel")?null:S`<div class="dl-opened" data-run-id=${t.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">${`Run ${t.opened}`}</span>
      ${!t.forkable&&S`<span class="dl-note dl-replay-only">replay only: give RunsView the program that made it
        to run from a step</span>`}
      <button class="dl-close" onClick=${()=>e.send({type:"close-run"})}>✕ close</button>
    </div>
    <${n} key=${t.opened} model=${s} />
  </div>`}function Ms({model:e,views:t,useTrait:n}){let s=n(e,"_compare")||"",a=A(()=>s?JSON.parse(s):null,[s]),o=A(()=>r=>e.send({...r,to:"compare"}),[e]);return a?S`<div class="dl-compared">
    <div class="dl-opened-bar">
      <span class="dl-title">Compare</span>
      <button class="dl-close" onClick=${()=>e.send({type:"close-compare"})}>✕ close</button>
    </div>
    <${ce} model=${e} data=${a} send=${o} views=${t} />
  </div>`:null}function nn({model:e,views:t,useTrait:n}){let{Lab:s}=t,a=n(e,"_panel")||"{}";n(e,"_open_panel");let o=A(()=>JSON.parse(a),[a]),r=A(()=>Te(e,"run",{_picture:"_open_picture",_panel:"_open_panel",_layout:"_open_layout"}),[e]),l=u=>e.send(u),i=o.mode||"runs",c=i==="runs"?(o.runs||{}).total:(o.batches||{}).total,d=(u,$)=>S`<button class="dl-mode" data-mode=${u} aria-pressed=${u===i?"true":"false"}
    onClick=${()=>l({type:"mode",mode:u})}>${$}</button>`;return S`<div class="dspyer-runs" data-mode=${i} data-count=${c??0}>
    <div class="dl-runs-bar">
      <span class="dl-toggle" role="group">${d("runs","Runs")}${d("batches","Batches")}</span>
      <button class="dl-refresh" title="read the store again" onClick=${()=>l({type:"refresh"})}>⟳ Refresh</button>
      <span class="dl-store" title=${o.store||""}>${o.store||""}</span>
      <span class="dl-notice">${o.notice||""}</span>
    </div>
    ${i==="runs"?S`<${Ss} send=${l} panel=${o} />`:S`<${As} send=${l} panel=${o} />`}
    <${Ms} model=${e} views=${t} useTrait=${n} />
    <${Ts} model=${e} panel=${o} Lab=${s} run=${r} />
  </div>`}function ue(e,t,n,{cls:s,attr:a,place:o,show:r}){let l=n||{};for(let[i,c]of e){let d=Object.hasOwn(l,i)?l[i]:null,u=t.get(i);if(!d){u&&u.box.remove(),t.delete(i),c.removeAttribute(a);continue}if(!u){let h=o(c);if(!h)continue;u=Es(c,s,h),t.set(i,u)}let{value:$,label:p,hint:b}=r(d,c);c.setAttribute(a,String($)),u.label.textContent!==p&&(u.label.textContent=p),u.title.textContent!==b&&(u.title.textContent=b)}}function Es(e,t,{x:n,y:s,anchor:a}){let o=G("g",{class:t}),r=G("title",{}),l=G("text",{x:n,y:s,"text-anchor":a,"font-size":9});return o.append(r,l),e.appendChild(o),{box:o,title:r,label:l}}var x=E.bind(M),Os=24;function on({message:e,full:t,Cell:n}){let[s,a]=w(!!e.open);return R(()=>a(!!e.open),[e.open,e.size,e.role]),x`<details class="dl-msg" data-role=${e.role} open=${s}
    onToggle=${o=>a(o.currentTarget.open)}>
    <summary><span class="dl-role">${e.role}</span>${" "}<span class="dl-size">${e.size}</span></summary>
    ${s&&x`<pre class="dl-pre"><${n} cell=${e.text} full=${t} /></pre>`}
  </details>`}function ln({stream:e}){let t=F(null),n=F(!0);R(()=>{let a=t.current;a&&n.current&&(a.scrollTop=a.scrollHeight)},[e.text]);let s=a=>{let o=a.currentTarget;n.current=o.scrollHeight-o.scrollTop-o.clientHeight<Os};return x`<div class="dl-stream-box">
    <div class="dl-stream-head">${e.field}${e.live?" · streaming…":""}</div>
    <pre class="dl-pre dl-stream" ref=${t} onScroll=${s} data-field=${e.field}
      data-live=${e.live?"true":"false"}>${e.text}</pre>
  </div>`}function rn({text:e}){return e?x`<span class="dl-run-calls" title=${e}>${e}</span>`:null}function dn(e,t){ue(e.nodeGroups(),e.notes.calls,t,{cls:"dl-calls",attr:"data-calls",place:n=>{let s=W(n);return s&&{x:(s.x1+s.x2)/2+5,y:s.y2+10,anchor:"start"}},show:n=>({value:n.calls,label:String(n.label??""),hint:String(n.hint??"")})})}var sn=0;function Ps({passed:e,errors:t}){let n=(t||[]).length;return x`<div class="dl-verdict" data-pass=${e?"true":"false"}>${e?"✓ passes the node's contract":`✗ rejected: ${n} error${n===1?"":"s"}`}</div>`}function js({fields:e,Cell:t,full:n}){return!e||!e.length?x`<div class="dl-note">no field could be read from the answer</div>`:x`<table class="dl-table dl-pg-fields"><tbody>${e.map(s=>x`<tr
      data-field=${s.name} data-invalid=${s.errors.length?"true":void 0}>
    <th scope="row">${s.name}</th>
    <td><${t} cell=${s.value} full=${n} />${s.errors.map(a=>x`<div class="dl-pg-field-error">${a}</div>`)}</td>
  </tr>`)}</tbody></table>`}function an({model:e,pg:t,variant:n,label:s,Cell:a,full:o}){let r=n,l=r.errors?r.errors.filter(i=>!(r.fields||[]).some(c=>c.errors.includes(i.replace(/^- /,"")))):[];return x`<div class="dl-pg-card" data-variant=${r.id??"original"} data-pending=${r.pending?"true":void 0}>
    <div class="dl-pg-card-head"><b>${s}</b>${" · "}<span class="dl-pg-model" title=${r.model}>${r.model}</span>
      ${r.id!==void 0&&x`<button class="dl-pg-drop" title="Forget this variant"
        onClick=${()=>e.send({type:"drop-variant",variant:r.id})}>✕</button>`}</div>
    ${r.pending&&x`<div class="dl-note dl-pg-sending">sending…</div>`}
    ${r.error&&x`<div class="dl-edit-error" role="alert">${r.error}</div>`}
    ${r.passed!==void 0&&x`<${Ps} passed=${r.passed} errors=${r.errors} />`}
    ${r.fields&&x`<${js} fields=${r.fields} Cell=${a} full=${o} />`}
    ${l.map(i=>x`<div class="dl-pg-field-error">${i}</div>`)}
    ${r.completion!==void 0&&x`<details class="dl-pg-completion"><summary>completion</summary>
      <pre class="dl-pre"><${a} cell=${r.completion} full=${o} /></pre></details>`}
    ${r.facts&&x`<div class="dl-facts">${r.facts.join(" · ")}</div>`}
    ${r.passed!==void 0&&r.id!==void 0&&x`<div class="dl-pg-actions">
      <button class="dl-pg-use" disabled=${!r.can_use||!t.available}
        title=${r.can_use?"Give the program's node these instructions (and demos)":"Raw messages: no instructions to use"}
        onClick=${()=>e.send({type:"use-instructions",variant:r.id})}>Use these instructions</button>
      <button class="dl-pg-fork" disabled=${!r.can_use||!t.available}
        title="Use them, then run the graph again from this node as a fork"
        onClick=${()=>e.send({type:"fork-with",variant:r.id})}>Fork from here with them</button>
    </div>`}
  </div>`}function Ns({model:e,pg:t}){let n=t.editor,[s,a]=w("structured"),[o,r]=w(()=>n.messages.map(f=>({...f}))),[l,i]=w(n.instructions),[c,d]=w(n.demos),[u,$]=w(()=>({...n.inputs})),[p,b]=w(""),h=(f,_)=>Math.min(_,Math.max(2,String(f).split(`
`).length)),m=(f,_)=>f===_?null:f,v=()=>e.send(s==="messages"?{type:"resend",id:++sn,call:t.call,mode:s,model:p,messages:o.map((f,_)=>f.content===n.messages[_].content?null:f)}:{type:"resend",id:++sn,call:t.call,mode:s,model:p,instructions:m(l,n.instructions),demos:m(c,n.demos),inputs:Object.fromEntries(Object.entries(u).filter(([f,_])=>_!==n.inputs[f]))});return x`<div class="dl-pg-editor" data-mode=${s}>
    <div class="dl-pg-modes" role="radiogroup">
      <label><input type="radio" name=${`dl-pg-mode-${t.call}`} checked=${s==="structured"}
        onChange=${()=>a("structured")} /> instructions, demos, inputs</label>
      <label><input type="radio" name=${`dl-pg-mode-${t.call}`} checked=${s==="messages"}
        onChange=${()=>a("messages")} /> raw messages</label>
    </div>
    ${s==="structured"?x`<div class="dl-pg-structured">
        <label class="dl-pg-label">instructions<textarea class="dl-pg-text dl-pg-instructions" spellcheck="false"
          rows=${h(l,10)} value=${l}
          onInput=${f=>i(f.currentTarget.value)}></textarea></label>
        <label class="dl-pg-label">demos (JSON list)<textarea class="dl-pg-text dl-pg-demos" spellcheck="false"
          rows=${h(c,8)} value=${c} onInput=${f=>d(f.currentTarget.value)}></textarea></label>
        ${Object.keys(u).map(f=>x`<label class="dl-pg-label" data-input=${f}>${f} (JSON)<textarea
          class="dl-pg-text dl-pg-input" spellcheck="false" rows=${h(u[f],6)} value=${u[f]}
          onInput=${_=>$({...u,[f]:_.currentTarget.value})}></textarea></label>`)}
      </div>`:x`<div class="dl-pg-messages">${o.map((f,_)=>x`<label class="dl-pg-label" data-role=${f.role}>
        ${f.role}<textarea class="dl-pg-text dl-pg-message" spellcheck="false" rows=${h(f.content,12)}
          value=${f.content} onInput=${y=>r(o.map((L,q)=>q===_?{...L,content:y.currentTarget.value}:L))}></textarea></label>`)}</div>`}
    <div class="dl-pg-send-line">
      <label class="dl-pick">model <select class="dl-pg-model-pick" value=${p}
        onChange=${f=>b(f.currentTarget.value)}>
        ${t.models.map(f=>x`<option value=${f.value}>${f.label}</option>`)}</select></label>
      <button class="dl-pg-send" disabled=${!t.available} title=${t.why||"Send this call to the model"}
        onClick=${v}>Send</button>
    </div>
    ${t.error&&x`<div class="dl-edit-error" role="alert">${t.error}</div>`}
  </div>`}function cn({model:e,pg:t,Cell:n,full:s}){if(!t)return null;let a=!!(t.editing&&t.editor),o=()=>e.send({type:"resend-editor",call:t.call,open:!a});return x`<div class="dl-pg" data-call=${t.call}>
    <div class="dl-pg-bar">
      <button class="dl-pg-open" aria-expanded=${a?"true":"false"} disabled=${t.available===!1&&!a}
        title=${t.why||"Edit this call and send it again"} onClick=${o}>${a?"Close the editor":"✎ Edit and send again"}</button>
      ${t.version&&x`<span class="dl-pg-version" title=${t.version}>${t.version}</span>`}
    </div>
    ${a&&x`<${Ns} key=${t.call} model=${e} pg=${t} />`}
    ${t.original&&(a||t.variants.length>0)&&x`<div class="dl-pg-variants">
      <${an} model=${e} pg=${t} variant=${t.original} label="original" Cell=${n} full=${s} />
      ${t.variants.map((r,l)=>x`<${an} key=${r.id} model=${e} pg=${t} variant=${r}
        label=${`variant ${l+1}`} Cell=${n} full=${s} />`)}
    </div>`}
  </div>`}var P=E.bind(M);function un({title:e,fields:t,edits:n,setEdits:s,error:a,next:o}){return P`<div class="dl-state">
    <div class="dl-state-title">${e}</div>
    ${a&&!a.field&&P`<div class="dl-edit-error" role="alert">${a.message}</div>`}
    <div class="dl-fields">
      ${t.map(r=>{let l=Object.hasOwn(n,r.name)?n[r.name]:r.text,i=Object.hasOwn(n,r.name)&&n[r.name]!==r.text,c=a&&a.field===r.name,d=Math.min(8,Math.max(1,l.split(`
`).length));return P`<div class="dl-field" data-field=${r.name} data-edited=${i?"true":void 0}
            data-invalid=${c?"true":void 0}>
          <label class="dl-field-name" title=${r.reads?`read by node '${o}'`:""}>${r.name}${r.reads?P`<span class="dl-reads"> · read by ${o}</span>`:null}</label>
          <textarea class="dl-field-value" rows=${d} spellcheck="false" readonly=${!r.editable}
            aria-invalid=${c?"true":"false"} value=${l}
            onInput=${u=>s({...n,[r.name]:u.currentTarget.value})}></textarea>
          ${c&&P`<div class="dl-edit-error" role="alert">${a.message}</div>`}
        </div>`})}
    </div>
  </div>`}function Bs(e,t){let n={};for(let s of e)Object.hasOwn(t,s.name)&&t[s.name]!==s.text&&(n[s.name]=t[s.name]);return n}function Ds({model:e,list:t,enabled:n}){if(!n&&!t.length)return null;let s=a=>e.send({type:"breakpoint",node:a.node,when:a.when});return P`<span class="dl-bp-list" aria-label="breakpoints">
    <span class="dl-bp-title"><span class="dl-bp-icon" aria-hidden="true"></span>breakpoints</span>
    ${!t.length&&P`<span class="dl-bp-none">none: click a ◌ on a node</span>`}
    ${t.map(a=>P`<button class="dl-bp-item" data-node=${a.node} data-when=${a.when} disabled=${!n}
      title=${`Clear the breakpoint ${a.when} '${a.node}'`} onClick=${()=>s(a)}>${a.when} ${a.node} ✕</button>`)}
    ${t.length>1&&P`<button class="dl-bp-clear-all" disabled=${!n} title="Clear every breakpoint"
      onClick=${()=>t.forEach(s)}>clear all</button>`}
  </span>`}function Ls(e,t){if(e&&Array.isArray(e.breakpoints))return e.breakpoints;let n=t||{};return["before","after"].flatMap(s=>(n[s]||[]).map(a=>({node:a,when:s})))}function pn({model:e,debug:t,breakpoints:n}){let s=t||{},a=s.paused,o=s.fork&&(s.fork.available||s.fork.editing)?s.fork:null,r=a&&a.key||o&&o.key||"",[l,i]=w({});Y(()=>i({}),[r]);let c=s.runs,d=(p,b)=>e.send({type:p,update:Bs(b||[],l)}),u=o&&o.editing,$=a&&a.asks&&a.asks.length?a.asks:null;return P`<div class="dl-debug" data-mode=${a?"paused":u?"fork":"idle"}>
    <div class="dl-debug-row">
      ${$&&P`<span class="dl-paused-at" data-waiting="true">‖ waiting for an answer at '${a.node}'</span>`}
      ${a&&!$&&P`<span class="dl-paused-at">‖ paused ${a.when} '${a.node}'</span>
        ${a.note&&P`<span class="dl-paused-next" title=${a.note}>${a.note}</span>`}
        <button class="dl-continue" disabled=${!a.enabled} title="Go on from the pause with the edited state"
          onClick=${()=>d("resume",a.fields)}>▶ Continue</button>
        <button class="dl-step" disabled=${!a.enabled} title="Run the next step (all the nodes it runs at once), then pause again"
          onClick=${()=>d("step",a.fields)}>Step ▸</button>`}
      ${o&&!u&&P`<button class="dl-fork-open"
          title="Run again from the step the slider shows, as a new run (edit the state first)"
          onClick=${()=>e.send({type:"fork-editor",open:!0})}>↪ Run from here…</button>
        <span class="dl-fork-note" title=${o.note||""}>${o.note}</span>`}
      ${u&&P`<button class="dl-fork-run" title="Start the fork with the edited state"
          onClick=${()=>d("fork",o.fields)}>↪ Run fork</button>
        <button class="dl-fork-cancel" onClick=${()=>e.send({type:"fork-editor",open:!1})}>Cancel</button>
        <span class="dl-fork-note" title=${o.note||""}>${o.note}</span>`}
      ${c&&P`<label class="dl-runs-label">run
        <select class="dl-runs" disabled=${!c.enabled} value=${String(c.value??-1)}
          onChange=${p=>e.send({type:"show-run",index:+p.currentTarget.value})}>
          ${c.options.map(p=>P`<option value=${String(p.value)}>${p.label}</option>`)}
        </select></label>`}
      ${s.diff&&P`<span class="dl-diff-note" data-changed=${s.diff.changed.length?"true":"false"}>${s.diff.text}</span>`}
      <${Ds} model=${e} list=${Ls(t,n)} enabled=${!!s.can_break} />
    </div>
    ${$&&P`<${Me} asks=${$} enabled=${!!a.enabled}
      send=${p=>e.send({type:"answer",...p})} />`}
    ${a&&!$&&P`<${un} title=${"State at the pause: edit a value (JSON), then Continue or Step"}
      fields=${a.fields} edits=${l} setEdits=${i} error=${s.error} next=${a.next} />`}
    ${u&&P`<${un} title=${"State to run from: edit a value (JSON), then Run fork"}
      fields=${o.fields||[]} edits=${l} setEdits=${i} error=${s.error} next=${o.next} />`}
    ${!a&&!u&&s.error&&P`<div class="dl-edit-error" role="alert">${s.error.message}</div>`}
  </div>`}var Rs="http://www.w3.org/2000/svg",fn=["before","after"],ot={changed:["≠","output differs from the parent run's"],same:["=","same output as the parent run"],added:["+","ran only in this fork"],removed:["−","ran in the parent run after the branch, not in this fork"]};function te(e,t){let n=document.createElementNS(Rs,e);for(let[s,a]of Object.entries(t))n.setAttribute(s,String(a));return n}function $n(e,t){let n=e.querySelector(":scope > title");n||(n=te("title",{}),e.prepend(n)),n.textContent!==t&&(n.textContent=t)}function hn(e,t){e.debug=new Map;for(let[n,s]of e.nodes){let a=t(s.group);if(!a)continue;let o={};for(let l of fn){let i=l==="before"?a.y1+1:a.y2-1,c=te("g",{class:"dl-bp","data-when":l,tabindex:0,role:"button",transform:`translate(${a.x1+1} ${i})`});c.append(te("circle",{class:"dl-bp-hit",r:9}),te("circle",{class:"dl-bp-dot",r:5})),s.group.appendChild(c),o[l]=c}let r=te("g",{class:"dl-diff",transform:`translate(${a.x2} ${(a.y1+a.y2)/2})`});r.append(te("rect",{x:-9,y:-8,width:18,height:16,rx:4,ry:4}),te("text",{x:0,y:4,"text-anchor":"middle","font-size":12})),r.style.display="none",s.group.appendChild(r),e.debug.set(n,{pins:o,badge:r})}}function Be(e,t,n,s){if(!e.debug)return;let a=t.paused||null,o=t.diff||{},r=new Set(t.inherited||[]);for(let[l,{pins:i,badge:c}]of e.debug){let d=e.nodes.get(l).group;for(let $ of fn){let p=(n&&n[$]||[]).includes(l),b=i[$];p?b.setAttribute("data-on","true"):b.removeAttribute("data-on"),b.style.display=s||p?"":"none",$n(b,`${p?"Breakpoint: pause":"Click to pause"} ${$} '${l}'${p?" (click to clear)":""}`)}r.has(l)?d.setAttribute("data-inherited","true"):d.removeAttribute("data-inherited"),a&&a.node===l?d.setAttribute("data-paused",String(a.when)):d.removeAttribute("data-paused");let u=Object.hasOwn(o,l)&&Object.hasOwn(ot,o[l])?o[l]:null;u?(d.setAttribute("data-diff",u),c.querySelector("text").textContent=ot[u][0],$n(c,ot[u][1]),c.style.display=""):(d.removeAttribute("data-diff"),c.style.display="none")}}function _n(e,t){let n=e.target.closest?.("g.dl-bp[data-when]"),s=n&&n.closest("g.node[data-node]");return!s||!t.contains(s)?null:{node:s.getAttribute("data-node"),when:n.getAttribute("data-when")}}var De=E.bind(M);function mn(e,t){ue(e.nodeGroups(),e.notes.progress,t,{cls:"dl-progress",attr:"data-progress",place:n=>{let s=W(n);return s&&{x:(s.x1+s.x2)/2-5,y:s.y2+10,anchor:"end"}},show:n=>({value:n.text,label:`${n.text} done`,hint:String(n.hint??"")})})}function bn(e,t){ue(e.edges,e.notes.sends,t,{cls:"dl-sends",attr:"data-sends",place:n=>{let s=W({children:[...n.children].filter(a=>a.localName==="polygon")});return s&&{x:s.x2+4,y:s.y1,anchor:"start"}},show:(n,s)=>{let a=`${s.getAttribute("data-source")??""} → ${s.getAttribute("data-target")??""}`;return{value:n,label:`Send ×${n}`,hint:`${a}: ${n} instance${n===1?"":"s"} started by the router's latest Send map`}}})}function gn({rows:e,onSelect:t}){return De`<ul class="dl-instances">
    ${e.map(n=>De`<li><button class="dl-instance" data-visit=${n.visit} data-status=${n.status}
      data-selected=${n.selected?"true":void 0} title=${n.failure||n.status}
      onClick=${()=>t(n.visit)}>
      <span class="dl-instance-label">${n.label}</span>${" "}<span class="dl-instance-status">${n.status}</span>
      ${n.duration&&De`${" "}<span class="dl-instance-time">${n.duration}</span>`}
      ${n.failure&&De`${" "}<span class="dl-instance-failure">${n.failure}</span>`}
    </button></li>`)}
  </ul>`}var ae=E.bind(M),Is=8,vn=3;function yn(e,t,n,s){let a=s-n;return a<=0?{left:"0%",width:"100%"}:{left:`min(${100*(e-n)/a}%, calc(100% - ${vn}px))`,width:`${100*(t-e)/a}%`,minWidth:`${vn}px`}}function qs({call:e,bar:t}){let n=yn(e.start,e.end,t.start,t.end);return ae`<span class="dl-call" data-attempt=${e.attempt??""} data-outcome=${e.outcome}
    style=${n} title=${e.hint}></span>`}function Fs({bar:e,span:t,selected:n,onSelect:s}){let a=yn(e.start,e.end,t[0],t[1]);return ae`<div class="dl-bar" role="button" tabindex="0" data-visit=${e.visit} data-node=${e.node}
    data-task=${e.task||void 0} data-status=${e.status} data-live=${e.live?"true":void 0}
    data-selected=${n?"true":void 0} style=${a} title=${e.hint}
    onClick=${()=>s(e.visit)} onKeyDown=${o=>o.key==="Enter"&&s(e.visit)}>
    ${e.calls.map(o=>ae`<${qs} call=${o} bar=${e} />`)}
    <span class="dl-bar-label">${e.node}</span>
  </div>`}function kn({model:e,body:t}){let n=t.span||[0,0],s=o=>e.send({type:"select",visit:o}),a=t.bars||[];return ae`<div class="dl-waterfall">
    <div class="dl-scope">${t.scope}</div>
    <div class="dl-lanes" style=${{minWidth:`${a.length*Is}px`}}>
      ${(t.lanes||[]).map((o,r)=>ae`<div class="dl-lane" data-lane=${o.lane}>
        <span class="dl-lane-label" title=${o.label}>${o.label}</span>
        <div class="dl-lane-track">
          ${a.filter(l=>l.lane===r).map(l=>ae`<${Fs} bar=${l} span=${n}
            selected=${l.visit===t.selected} onSelect=${s} />`)}
        </div>
      </div>`)}
    </div>
    <div class="dl-waterfall-key">
      <span class="dl-call" data-outcome="answer"></span> model call
      <span class="dl-call" data-outcome="rejected"></span> answer rejected (retried)
      <span class="dl-call" data-outcome="cached"></span> cached
    </div>
  </div>`}var lt=E.bind(M),zs=["1","2","5","every"],Us=3e3;function pe(e,t){return t<=0?0:e[Math.min(t,e.length)-1]}function Hs(e,t){let n={key:"",t:[],steps:[]},s=0,a=!1,o=null,r=null,l=null,i={speed:1,every:null},c=()=>n.t.length,d=()=>t({playing:a,pos:s,ms:pe(n.t,s),total:pe(n.t,c())}),u=()=>{r!==null&&clearTimeout(r),r=null},$=v=>{let f=v-l.wall;if(i.every){let T=Math.min(n.steps.length-1,l.step+Math.floor(f/(i.every*1e3))),U=T<0?c():n.steps[T],fe=T+1<n.steps.length?(T+1-l.step)*i.every*1e3-f:null;return{p:Math.max(U,l.p),next:fe}}let _=l.ms+f*i.speed,y=l.p,L=c();for(;y<L;){let T=y+L+1>>1;pe(n.t,T)<=_?y=T:L=T-1}let q=y<c()?(pe(n.t,y+1)-_)/i.speed:null;return{p:y,next:q}},p=v=>{s=v,d();let f=o=Promise.race([e.show(v),new Promise(_=>setTimeout(_,Us))]);f.then(()=>{o===f&&(o=null,a&&b())})},b=()=>{if(u(),!a)return;let{p:v,next:f}=$(performance.now());if(o===null&&v!==s&&p(v),o===null&&v>=c()){a=!1,d();return}f!==null&&(r=setTimeout(b,Math.max(0,f)))},h=v=>n.steps.findIndex(f=>f>v),m={get playing(){return a},get pos(){return s},update(v,f){let _=v||{key:"",t:[],steps:[]};_.key!==n.key&&m.pause(),n=_,!a&&o===null&&Number.isInteger(f)&&(s=f)},play(v={}){if(!c())return;(v.speed||v.every)&&(i={speed:v.speed||1,every:v.every||null}),u();let f=s;f>=c()&&(f=0,p(0)),l={wall:performance.now(),ms:pe(n.t,f),p:f,step:h(f)},a=!0,d(),o===null&&b()},pause(){u(),a&&(a=!1,d())},toggle(v){a?m.pause():m.play(v)},step(v){m.pause();let f=[0,...n.steps],_=s;for(let y=0;y<Math.abs(v);y+=1){let L=v>0?f.find(q=>q>_):f.findLast(q=>q<_);if(L===void 0)break;_=L}_!==s&&p(_)},dispose(){a=!1,u()}};return m}function xn({player:e,state:t,mode:n,setMode:s}){let a=()=>n.speed==="every"?{every:n.every}:{speed:+n.speed},o=l=>(l/1e3).toFixed(1),r=l=>l.preventDefault();return lt`<span class="dl-player" data-playing=${t.playing?"true":"false"} data-pos=${t.pos}>
    <button class="dl-step-back" onMouseDown=${r} title="Back one graph step (←)" aria-label="back one step"
      onClick=${()=>e.step(-1)}>◀▮</button>
    <button class="dl-play" onMouseDown=${r} title=${t.playing?"Pause (space)":"Play the run as it happened (space)"}
      aria-label=${t.playing?"pause":"play"} onClick=${()=>e.toggle(a())}>${t.playing?"⏸":"▶"}</button>
    <button class="dl-step-fwd" onMouseDown=${r} title="Forward one graph step (→)" aria-label="forward one step"
      onClick=${()=>e.step(1)}>▮▶</button>
    <select class="dl-speed" title="Speed: real time, faster, or one graph step every N seconds" value=${n.speed}
      onChange=${l=>{let i={...n,speed:l.currentTarget.value};s(i),e.playing&&e.play(i.speed==="every"?{every:i.every}:{speed:+i.speed})}}>
      ${!zs.includes(n.speed)&&lt`<option value=${n.speed}>${n.speed}x</option>`}
      <option value="1">1x</option><option value="2">2x</option><option value="5">5x</option>
      <option value="every">step / N s</option>
    </select>
    ${n.speed==="every"&&lt`<input class="dl-every" type="number" min="0.1" step="0.5" value=${n.every}
      title="seconds per graph step" aria-label="seconds per graph step"
      onChange=${l=>{let i=Math.max(.1,+l.currentTarget.value||1);s({...n,every:i}),e.playing&&e.play({every:i})}} />`}
    <span class="dl-play-time">${o(t.ms)} / ${o(t.total)} s</span>
  </span>`}function wn(e,t,n){let s=F(null),[a,o]=w({playing:!1,pos:0,ms:0,total:0}),[r,l]=w({speed:"1",every:2}),i=F(null);i.current===null&&(i.current=Hs({show:u=>new Promise($=>{s.current&&s.current.resolve(),s.current={p:u,resolve:$},e.send({type:"seek",step:u})})},o));let c=i.current,d=t?t.value:null;return Y(()=>c.update(t?n:null,d),[t,n]),R(()=>{let u=s.current;u&&u.p===d&&(s.current=null,u.resolve())},[d]),R(()=>{t||c.pause()},[!!t]),R(()=>{let u=$=>{if(!(!$||$.type!=="player"))if($.do==="play"){let p=typeof $.every=="number"?$.every:null,b=typeof $.speed=="number"?$.speed:1;l(p?{speed:"every",every:p}:h=>({...h,speed:String(b)})),c.play(p?{every:p}:{speed:b})}else $.do==="pause"?c.pause():$.do==="step"&&c.step($.by||1)};return e.on("msg:custom",u),()=>{e.off("msg:custom",u),c.dispose()}},[e]),{player:c,state:a,mode:r,setMode:l}}function Sn(e,t,n){if(n.defaultPrevented||n.altKey||n.ctrlKey||n.metaKey)return;let s=n.target;if(s&&s.closest&&s.closest("textarea, select, input:not(.dl-replay), [contenteditable], button:not(.dl-player button)"))return;let a=t.speed==="every"?{every:t.every}:{speed:+t.speed};if(n.key===" ")e.toggle(a);else if(n.key==="ArrowLeft")e.step(-1);else if(n.key==="ArrowRight")e.step(1);else return;n.preventDefault()}var g=E.bind(M),Gs=new Set(["finished","failed","cancelled"]);function z(e,t){let[n,s]=w(()=>e.get(t));return R(()=>{let a=()=>s(e.get(t));return e.on(`change:${t}`,a),a(),()=>e.off(`change:${t}`,a)},[e,t]),n}var Ws=[["paused","paused here"],["breakpoint","breakpoint (click a ◌ to set)"],["inherited","ran before the fork"],["diff","output ≠ parent run"]];function Js({debug:e,joins:t,sends:n}){return g`<div class="dl-legend" aria-label="legend">
    ${nt.map(s=>g`<span class="dl-key" data-status=${s}><span class="dl-swatch"></span>${s}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>path taken</span>
    <span class="dl-key" data-mark="taken"><span class="dl-line"></span>last edge</span>
    ${t&&g`<span class="dl-key" data-mark="join"><span class="dl-swatch"></span>join (waits for all)</span>`}
    ${n&&g`<span class="dl-key" data-mark="send"><span class="dl-line"></span>Send map (×instances)</span>`}
    ${e&&Ws.map(([s,a])=>g`<span class="dl-key" data-mark=${s}><span
      class="dl-swatch" aria-hidden="true">${s==="diff"?"≠":""}</span>${a}</span>`)}
  </div>`}function Ks({svg:e,stalled:t}){if(!e)return null;let n=`data:image/svg+xml;charset=utf-8,${encodeURIComponent(e)}`;return g`<div class="dl-still">
    <img class="dl-still-img" alt="the graph (static picture)" src=${n} />
    ${t&&g`<div class="dl-still-note">static picture: no kernel</div>`}
  </div>`}var ct=new WeakMap,Vs=40,Xs=600;function Ys(e){let t=[],n=()=>{let s=(e.get("_picture")||{}).status;if(!s)return;let a=t[t.length-1];a&&JSON.stringify(a)===JSON.stringify(s)||(t.push(s),t.length>Vs&&t.splice(1,1))};n(),e.on("change:_picture",n),ct.set(e,{seen:t,stop:()=>e.off("change:_picture",n)})}function Zs(e){let t=ct.get(e);return t?(t.stop(),ct.delete(e),t.seen.length>1?t.seen:[]):[]}async function Qs(e,t,n,s){if(!t.length)return;let a=Xs/t.length;for(let o of t){if(!s())return;e.apply({...n.current,status:o}),await new Promise(r=>setTimeout(r,a))}}function rt(e,t){dn(e,t.calls),mn(e,t.progress),bn(e,t.sends)}function oe({model:e,layout:t,picture:n,debug:s,legend:a}){let o=F(null),r=F(null),l=F(n),i=F(n.run_state),[c,d]=w(""),[u,$]=w(!1),[p,b]=w(!1),h=z(e,"_still")||"";l.current=n;let m=F(s);m.current=s,R(()=>{let _=setTimeout(()=>b(Bt()),et);return()=>clearTimeout(_)},[]),R(()=>{let _=!0;if(r.current=null,!!t.dot)return(async()=>{try{let y=await tt(e),L=getComputedStyle(o.current).fontFamily,q=await Vt(y,t.dot,L);if(!_)return;let T=new je(q,t),U=Zs(e);if(T.apply(U.length?{...l.current,status:U[0]}:l.current),m.current&&(hn(T,W),Be(T,l.current,m.current.breakpoints,m.current.enabled)),o.current.replaceChildren(q),rt(T,l.current),$(!0),d(""),await Qs(T,U,l,()=>_),!_)return;T.apply(l.current),m.current&&Be(T,l.current,m.current.breakpoints,m.current.enabled),rt(T,l.current),r.current=T,requestAnimationFrame(()=>Ae(e,q))}catch(y){_&&d(`Could not lay out the graph: ${y&&y.message?y.message:y}`)}})(),()=>{_=!1}},[t.dot]),R(()=>{let _=r.current;if(!_)return;_.apply(n),rt(_,n);let y=n.run_state;y!==i.current&&Gs.has(y)&&requestAnimationFrame(()=>Ae(e,_.svg)),i.current=y},[n]),R(()=>{r.current&&s&&Be(r.current,n,s.breakpoints,s.enabled)},[n,s&&s.breakpoints,s&&s.enabled]);let v=_=>{let y=s&&s.enabled?_n(_,o.current):null;if(y){if(_.type==="keydown"&&_.key!=="Enter"&&_.key!==" ")return;_.preventDefault(),e.send({type:"breakpoint",node:y.node,when:y.when});return}let L=_.target.closest?.("g.node[data-node]");if(!L||!o.current.contains(L)||_.type==="keydown"&&_.key!=="Enter"&&_.key!==" ")return;_.preventDefault();let q=L.getAttribute("data-node");e.send({type:"select",node:n.selected===q?"":q})},f=n.run_state||"idle";return g`<div class="dspyer-graphview" data-run-state=${f}>
    <div class="dl-caption">${f==="idle"?"":f}</div>
    ${!u&&g`<${Ks} svg=${h} stalled=${p} />`}
    <div class="dl-stage" ref=${o} onClick=${v} onKeyDown=${v}></div>
    ${c&&g`<pre class="dl-error">${c}</pre>`}
    ${a||g`<${Js} debug=${!!s} joins=${Object.keys(t.joins||{}).length>0}
      sends=${Object.keys(n.sends||{}).length>0} />`}
  </div>`}function ea({model:e}){let t=z(e,"_layout")||{},n=z(e,"_picture")||{};return g`<${oe} model=${e} layout=${t} picture=${n} />`}function ta(e){let[t,n]=w({});return R(()=>{let a=o=>{!o||o.type!=="full-text"||typeof o.handle!="string"||n(r=>({...r,[o.handle]:String(o.text??"")}))};return e.on("msg:custom",a),()=>e.off("msg:custom",a)},[e]),{texts:t,ask:a=>{Object.hasOwn(t,a)||e.send({type:"full-text",handle:a})}}}function Ie({cell:e,full:t}){if(typeof e=="string"||e===null||e===void 0)return String(e??"");let n=t.texts[e.full];return n!==void 0?n:g`<span class="dl-clipped">${e.text}<button class="dl-more" title="show the full value"
    onClick=${()=>t.ask(e.full)}>show all</button></span>`}function na({block:e,full:t}){let[n,s]=w(!1);R(()=>{n&&t.ask(e.full)},[n,e.full]);let a=t.texts[e.full];return g`<details class="dl-fold" open=${n} onToggle=${o=>s(o.currentTarget.open)}>
    <summary>${e.fold}</summary>
    <pre class="dl-pre">${n?a??"loading…":""}</pre>
  </details>`}function sa({table:e,full:t}){let n=new Set(e.changed||[]);return g`<div class="dl-scroll"><table class="dl-table">
    <thead><tr>${e.head.map(s=>g`<th>${s}</th>`)}</tr></thead>
    <tbody>${e.rows.map((s,a)=>g`<tr class=${n.has(a)?"dl-changed":""}>
      ${s.map((o,r)=>r===0?g`<th scope="row">${o}</th>`:g`<td><${Ie} cell=${o} full=${t} /></td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Le({blocks:e,full:t,onSelect:n}){return(e||[]).map(s=>s.facts?g`<div class="dl-facts"><b>${s.facts[0]}</b>${s.facts.slice(1).map(a=>` · ${a}`)}</div>`:s.title!==void 0?g`<div class="dl-title">${s.title}</div>`:s.note!==void 0?g`<div class="dl-note">${s.note}</div>`:s.pre!==void 0?g`<pre class="dl-pre"><${Ie} cell=${s.pre} full=${t} /></pre>`:s.table?g`<${sa} table=${s.table} full=${t} />`:s.fold!==void 0?g`<${na} block=${s} full=${t} />`:s.message?g`<${on} message=${s.message} full=${t} Cell=${Ie} />`:s.stream?g`<${ln} stream=${s.stream} />`:s.instances&&n?g`<${gn} rows=${s.instances} onSelect=${n} />`:null)}function it({label:e,picker:t,onPick:n}){if(!t)return null;let s=t.options.findIndex(a=>JSON.stringify(a.value)===JSON.stringify(t.value));return g`<label class="dl-pick">${e}
    <select class="dl-picker" value=${String(s)}
      onChange=${a=>n(t.options[+a.currentTarget.value].value)}>
      ${s<0&&g`<option value="-1">—</option>`}
      ${t.options.map((a,o)=>g`<option value=${String(o)}>${a.label}</option>`)}
    </select></label>`}function aa({model:e,toolbar:t,play:n,presenter:s}){let a=t||{},o=a.stop||{},r=a.replay,l=!o.enabled&&a.run_state==="running"&&o.hint,i=z(e,"_store_note")||"",c=n.state.playing;return g`<div class="dl-toolbar">
    <div class="dl-toolbar-line">
      ${o.shown&&g`<button class="dl-stop" disabled=${!o.enabled} title=${o.hint||""}
        onClick=${()=>e.send({type:"stop"})}>■ Stop</button>`}
      <span class="dl-status" title=${[a.status,i].filter(Boolean).join(`
`)}
        data-stored=${i||void 0}>${a.status||""}</span>
      ${l&&g`<span class="dl-stop-hint" title=${o.hint}>${o.hint}</span>`}
      <button class="dl-presenter-toggle" aria-pressed=${s?"true":"false"}
        title="Presenter mode: the graph large and the current node's essentials in large type, for a projector"
        onClick=${()=>e.send({type:"presenter-mode",on:!s})}>${s?"✕ Presenter":"Presenter"}</button>
    </div>
    <div class="dl-toolbar-line dl-calls-line"><${rn} text=${a.calls} /></div>
    <div class="dl-toolbar-line dl-replay-line">
      ${r&&g`<${xn} player=${n.player} state=${n.state} mode=${n.mode}
          setMode=${n.setMode} />
        <label class="dl-replay-label">replay
        <input class="dl-replay" type="range" min="0" max=${r.max} value=${c?n.state.pos:r.value}
          onInput=${d=>{n.player.pause(),e.send({type:"seek",step:+d.currentTarget.value})}} /></label>
        <span class="dl-replay-note" title=${r.note||""}>${r.note}</span>`}
    </div>
  </div>`}function oa({info:e}){return g`<div class="dl-essentials" data-node=${e.node||void 0} data-status=${e.status||void 0}>
    ${e.node?g`<div class="dl-ess-head"><span class="dl-ess-node">${e.node}</span>
      <span class="dl-ess-facts">${e.facts}</span></div>`:g`<div class="dl-ess-note">${e.note}</div>`}
    ${e.read&&e.read.length>0&&g`<section class="dl-ess-read"><div class="dl-ess-title">It read</div>
      ${e.read.map(([t,n])=>g`<div class="dl-ess-field"><span class="dl-ess-key">${t}</span>${" "}<span
        class="dl-ess-value">${n}</span></div>`)}</section>`}
    ${e.said&&g`<section class="dl-ess-said"><div class="dl-ess-title">${e.said.title}</div>
      <pre class="dl-ess-text">${e.said.text}</pre></section>`}
    ${e.rejected&&e.rejected.length>0&&g`<section class="dl-ess-rejected">
      <div class="dl-ess-title">Rejected</div>
      ${e.rejected.map(t=>g`<div class="dl-ess-reject"><b>${t.attempt}</b> · ${t.fields} · ${t.retry}
        <pre class="dl-ess-text">${t.text}</pre></div>`)}</section>`}
  </div>`}function la({model:e,timeline:t}){if(!t||!t.rows)return null;let n=a=>e.send({type:"page",offset:a}),s=t.rows.length||1;return g`<div class="dl-timeline">
    <div class="dl-pager">
      <button class="dl-older" disabled=${!t.older} onClick=${()=>n(t.offset+s)}>◀ older</button>
      <button class="dl-newer" disabled=${!t.newer} onClick=${()=>n(Math.max(0,t.offset-s))}>newer ▶</button>
      <button class="dl-newest" disabled=${!t.newer} onClick=${()=>n(0)}>newest</button>
      <span class="dl-position" title=${t.position}>${t.position}</span>
    </div>
    <div class="dl-rows" role="listbox">
      ${t.rows.map(a=>g`<div class="dl-row" role="option" tabindex="0" data-index=${a.i} data-kind=${a.kind}
        data-mine=${a.mine?"true":void 0} title=${`${a.t}  ${a.node}  ${a.kind}  ${a.text}`}
        onClick=${()=>e.send({type:"select",event:a.i})}
        onKeyDown=${o=>o.key==="Enter"&&e.send({type:"select",event:a.i})}>
        <span class="dl-when">${a.t}</span>${" "}<span class="dl-node">${a.node}</span>${" "}<span
          class="dl-kind">${a.kind}</span>${" "}<span class="dl-text">${a.text}</span>
      </div>`)}
    </div>
  </div>`}var ra=["node","calls","validation","result","error","waterfall"];function Re(e){return e?JSON.parse(e):{}}function ia(e){return e&&typeof e.id=="string"?{[e.id]:e}:{}}function da(e){let t=e.get("_head")!==void 0,n=z(e,t?"_head":"_panel"),s=z(e,t?"_timeline":"_panel"),a=z(e,t?"_tab":"_panel"),o=A(()=>t?null:Re(n),[t,n]),r=A(()=>o?o.head||{}:Re(n),[o,n]),l=A(()=>o?o.timeline:Re(s),[o,s]),i=A(()=>ia(o?o.tab:Re(a)),[o,a]),c=F({});return c.current={...c.current,...i},{head:r,timeline:l,bodies:c.current}}var dt=new WeakMap;function ca({model:e,head:t,bodies:n,full:s}){let a=t.focus||{},[o,r]=w(()=>{let d=dt.get(e);return d&&d.n===a.n?d.tab:a.tab||"node"}),l=(d,u)=>{dt.set(e,{tab:d,n:a.n}),r(d),u&&e.send({type:"tab",tab:d})};Y(()=>{let d=dt.get(e);d&&d.n===a.n||l(a.tab||o,!1)},[a.n]);let i=n[o],c=(d,u)=>u?d==="node"?g`<${it} label="visit" picker=${u.visits}
        onPick=${$=>e.send({type:"select",visit:$})} />
      <${Le} blocks=${u.blocks} full=${s} onSelect=${$=>e.send({type:"select",visit:$})} />`:d==="calls"?g`<div class="dl-scope">${u.scope}</div>
      <${it} label="call" picker=${u.calls} onPick=${$=>e.send({type:"call",index:$})} />
      <${cn} model=${e} pg=${t.debug&&t.debug.playground} Cell=${Ie} full=${s} />
      <${Le} blocks=${u.blocks} full=${s} />`:d==="validation"?g`<div class="dl-scope">${u.scope}</div>
      <${it} label="attempt" picker=${u.attempts}
        onPick=${$=>e.send({type:"attempt",key:$})} />
      <${Le} blocks=${u.blocks} full=${s} />`:d==="waterfall"?g`<${kn} model=${e} body=${u} />`:g`<${Le} blocks=${u.blocks} full=${s} />`:g`<div class="dl-note">loading…</div>`;return g`<div class="dl-side">
    <div class="dl-tabs" role="tablist">
      ${(t.tabs||[]).map(d=>g`<button class="dl-tab" role="tab" data-tab=${d.id}
        data-alert=${d.alert?"true":void 0} aria-selected=${d.id===o?"true":"false"}
        onClick=${()=>l(d.id,!0)}>${d.title}</button>`)}
    </div>
    <div class="dl-panel" role="tabpanel" data-tab=${o}>${ra.includes(o)?c(o,i):null}</div>
  </div>`}function $e({model:e}){let t=z(e,"_layout")||{},n=z(e,"_picture")||{},{head:s,timeline:a,bodies:o}=da(e),r=ta(e),l=z(e,"breakpoints"),i=A(()=>({breakpoints:l,enabled:!!(s.debug&&s.debug.can_break)}),[l,s.debug&&s.debug.can_break]),c=s.toolbar&&s.toolbar.run_state||n.run_state||"idle",d=z(e,"_play"),u=A(()=>s.play||(d?JSON.parse(d):null),[s.play,d]),$=wn(e,s.toolbar&&s.toolbar.replay,u),p=s.presenter;return g`<div class="dspyer-lab" data-run-state=${c} data-presenter=${p?"true":void 0}
      data-playing=${$.state.playing?"true":void 0} tabindex="0" data-lm-suppress-shortcuts="true"
      onKeyDown=${b=>s.toolbar&&s.toolbar.replay&&Sn($.player,$.mode,b)}>
    <${aa} model=${e} toolbar=${s.toolbar} play=${$} presenter=${!!p} />
    <${pn} model=${e} debug=${s.debug} breakpoints=${l} />
    <div class="dl-body">
      <div class="dl-main">
        <${oe} model=${e} layout=${t} picture=${n} debug=${i} />
        <${la} model=${e} timeline=${a} />
      </div>
      ${p&&g`<${oa} info=${p} />`}
      <${ca} model=${e} head=${s} bodies=${o} full=${r} />
    </div>
  </div>`}function ua({model:e}){tt(e).catch(()=>{}),Ys(e)}function pa({model:e}){return g`<${qt} model=${e} views=${{GraphPane:oe,Lab:$e}} useTrait=${z} />`}function $a({model:e}){return g`<${nn} model=${e} views=${{GraphPane:oe,Lab:$e}} useTrait=${z} />`}function fa({model:e}){return g`<${Gt} model=${e} views=${{GraphPane:oe,Lab:$e}} useTrait=${z} />`}function ha({model:e}){return g`<${Yt} model=${e} views=${{GraphPane:oe,Lab:$e}} useTrait=${z} />`}function _a({model:e,el:t}){let n={lab:$e,batch:pa,runs:$a,compare:fa,optimize:ha}[e.get("_kind")]||ea;return Ke(g`<${n} model=${e} />`,t),()=>Ke(null,t)}var Cn={initialize:ua,render:_a};var ma=Symbol.for("dspyer-lab.viz"),ba=Symbol.for("dspyer-lab.viz.pending"),An=["node","calls","validation","result","error"];function ga(e,t,n){t==="__proto__"?Object.defineProperty(e,t,{value:n,enumerable:!0,writable:!0,configurable:!0}):e[t]=n}function va(e){let t=new Map,n=s=>{if(s>=0)return e.scalars[s];if(t.has(s))return t.get(s);let a=e.nodes[-s-1],o;if(a[0]===1){o={};for(let r=1;r<a.length;r+=2)ga(o,a[r],n(a[r+1]))}else if(a[0]===2){o=[];for(let r=1;r<a.length;r+=1)o.push(...n(a[r]))}else o=a.slice(1).map(n);return t.set(s,o),o};return n}function ya(e){let t=va(e),n=new Map,s=(h,...m)=>(n.get(h)||[]).slice().forEach(v=>v(...m)),a=e.frames.length-1,o=null,r="node",l=!1,i=-1,c={_kind:"lab",_layout:e.layout,_play:JSON.stringify(e.play),_still:"",_store_note:"",breakpoints:{before:[],after:[]}},d=()=>JSON.stringify({...o.head,presenter:l?o.essentials:null}),u=()=>JSON.stringify({id:r,...o.tabs[r]||{}}),$=h=>{Object.assign(c,h);for(let m of Object.keys(h))s(`change:${m}`)},p=h=>{o=t(e.frames[Math.max(0,Math.min(a,h))]);let m=o.head.focus;m&&An.includes(m.tab)&&m.n!==i&&(i=m.n,r=m.tab),$({_picture:o.picture,_head:d(),_timeline:JSON.stringify(o.timeline),_tab:u()})},b={get:h=>c[h],on(h,m){n.set(h,[...n.get(h)||[],m])},off(h,m){n.set(h,(n.get(h)||[]).filter(v=>v!==m))},send(h){if(!(!h||typeof h!="object")){if(h.type==="seek"&&Number.isInteger(h.step))p(h.step);else if(h.type==="tab"&&An.includes(h.tab))r=h.tab,$({_tab:u()});else if(h.type==="presenter-mode")l=!!h.on,$({_head:d()});else if(h.type==="full-text"&&typeof h.handle=="string"){let m=/^x\d+$/.test(h.handle)?+h.handle.slice(1):-1,v=m>=0&&m<e.texts.length?e.texts[m]:"";queueMicrotask(()=>s("msg:custom",{type:"full-text",handle:h.handle,text:v}))}}}};return p(a),b}function ka(e){let n={renderJSON:()=>({}),renderSVGElement:()=>{let a=new DOMParser().parseFromString(e,"image/svg+xml");return document.importNode(a.documentElement,!0)}},s=Promise.resolve(n);globalThis[ma]=s,globalThis[ba]={promise:s,settled:!0,asked:new WeakSet,askedAt:Date.now()}}function xa(e){let t=()=>e.querySelector(".dl-stage svg")?(document.documentElement.setAttribute("data-first-frame",performance.now().toFixed(1)),!0):!1,n=new MutationObserver(()=>t()&&n.disconnect());n.observe(e,{childList:!0,subtree:!0})}async function wa(e){let t=JSON.parse(e.textContent);if(t.encoding!=="gzip+base64")throw new Error(`unknown encoding ${t.encoding}`);let n=Uint8Array.from(atob(t.data),a=>a.charCodeAt(0)),s=new Blob([n]).stream().pipeThrough(new DecompressionStream("gzip"));return JSON.parse(await new Response(s).text())}async function Sa(){let e=document.getElementById("dl-export-data"),t=document.getElementById("dl-export");if(!e||!t)return;let n=await wa(e);if(!n.runs.length)return;let s=document.createElement("div"),a=null,o=c=>{a&&a();let d=n.runs[c];ka(d.svg),t.setAttribute("data-run",String(c)),xa(s),a=Cn.render({model:ya(d),el:s}),requestAnimationFrame(()=>s.querySelector(".dspyer-lab")?.focus({preventScroll:!0}))},r=[];if(n.runs.length>1){let c=document.createElement("label");c.className="dl-export-pick",c.append("example ");let d=document.createElement("select");d.className="dl-export-run",n.labels.forEach((u,$)=>d.append(new Option(u,String($)))),d.addEventListener("change",()=>o(+d.value)),c.append(d),r.push(c)}let l=t.querySelector(".dl-export-still"),i=l&&n.runs.length>1&&t.getAttribute("data-still")==="keep"?[l]:[];t.replaceChildren(...i,...r,s),o(0)}Sa().catch(e=>{let t=document.querySelector(".dl-export-note");t&&(t.textContent=`This replay could not start (${e&&e.message?e.message:e}): the final picture shows.`)});
